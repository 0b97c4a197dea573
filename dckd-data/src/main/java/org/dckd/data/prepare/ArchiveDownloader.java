package org.dckd.data.prepare;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Downloads a file over HTTP(S) and verifies its SHA-256 checksum before it appears under its final name: the data
 * goes to {@code NAME.part}, the checksum is computed while streaming, and only a matching file is renamed to
 * {@code NAME}; a mismatch deletes the partial file and fails with both checksums. Redirects are followed (except from
 * HTTPS to HTTP).
 */
public final class ArchiveDownloader {

    private final HttpClient client;

    /** Creates a downloader with a 30 s connect timeout. */
    public ArchiveDownloader() {
        this(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build());
    }

    /**
     * Creates a downloader with a given client.
     *
     * @param client the HTTP client
     */
    public ArchiveDownloader(HttpClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Downloads {@code url} to {@code target}.
     *
     * @param url the address
     * @param target the final file; its folder is created if needed
     * @param expectedSha256 the expected checksum, 64 hex digits
     * @param listener receives the progress in bytes
     * @throws IOException if the server cannot be reached or answers with another status than 200, the transfer
     *     breaks off, or the checksum differs (the message names the URL); {@code target} is then left untouched
     */
    public void download(URI url, Path target, String expectedSha256, ProgressListener listener) throws IOException {
        Objects.requireNonNull(expectedSha256, "expectedSha256");
        Objects.requireNonNull(listener, "listener");
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path part = target.resolveSibling(target.getFileName() + ".part");
        HttpRequest request = HttpRequest.newBuilder(url).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("download of " + url + " was interrupted");
        } catch (IOException e) {
            throw new IOException("cannot download " + url + ": " + e + " (no internet? download the file by hand"
                    + " and put it at " + target + ")", e);
        }
        MessageDigest digest = Sha256Sums.newDigest();
        long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        boolean ok = false;
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("cannot download " + url + ": the server answered HTTP " + response.statusCode());
            }
            listener.started("downloading " + target.getFileName(), length, "bytes");
            try (OutputStream out = Files.newOutputStream(part)) {
                byte[] buf = new byte[1 << 16];
                long done = 0;
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    digest.update(buf, 0, n);
                    done += n;
                    listener.advanced(done);
                }
                if (length >= 0 && done != length) {
                    throw new IOException("download of " + url + " broke off after " + done + " of " + length
                            + " bytes");
                }
            } finally {
                listener.finished();
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equalsIgnoreCase(expectedSha256)) {
                throw new IOException("checksum mismatch for " + url + ": expected SHA-256 " + expectedSha256
                        + ", got " + actual + "; the file was deleted");
            }
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
            ok = true;
        } finally {
            if (!ok) {
                Files.deleteIfExists(part);
            }
        }
    }
}
