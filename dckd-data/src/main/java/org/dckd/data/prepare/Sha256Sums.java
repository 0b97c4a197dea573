package org.dckd.data.prepare;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expected SHA-256 checksums of files, by file name, as written by {@code sha256sum} ({@code HEX  NAME} or
 * {@code HEX *NAME}) or in BSD style ({@code SHA256 (NAME) = HEX}). Only the file-name part of {@code NAME} is used,
 * so {@code sha256sum downloads/*.zip > sums.txt} works. Empty lines and lines starting with {@code #} are ignored.
 */
public final class Sha256Sums {

    private static final Pattern GNU = Pattern.compile("([0-9a-fA-F]{64}) [ *](.+)");
    private static final Pattern BSD = Pattern.compile("SHA256 \\((.+)\\) ?= ?([0-9a-fA-F]{64})");

    private final Map<String, String> byName;

    private Sha256Sums(Map<String, String> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /**
     * Checksums from a map.
     *
     * @param byName file name to 64 hex digits
     * @return the checksums
     * @throws IllegalArgumentException if a value is not 64 hex digits
     */
    public static Sha256Sums of(Map<String, String> byName) {
        Map<String, String> m = new LinkedHashMap<>();
        byName.forEach((k, v) -> {
            if (!v.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("not a SHA-256 checksum (64 hex digits) for " + k + ": " + v);
            }
            m.put(k, v.toLowerCase(Locale.ROOT));
        });
        return new Sha256Sums(m);
    }

    /**
     * Reads a checksum file.
     *
     * @param file the file
     * @return the checksums
     * @throws IOException if the file cannot be read, a line is malformed, or a name is listed twice with different
     *     checksums (the message names the file and line)
     */
    public static Sha256Sums read(Path file) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        int lineNo = 0;
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String name;
            String hex;
            Matcher g = GNU.matcher(line);
            Matcher b = BSD.matcher(line);
            if (g.matches()) {
                hex = g.group(1);
                name = g.group(2);
            } else if (b.matches()) {
                name = b.group(1);
                hex = b.group(2);
            } else {
                throw new IOException("checksum file " + file + " line " + lineNo
                        + ": expected 'SHA256HEX  FILENAME' (sha256sum output), got '" + line + "'");
            }
            name = Path.of(name.replace('\\', '/')).getFileName().toString();
            String previous = m.put(name, hex.toLowerCase(Locale.ROOT));
            if (previous != null && !previous.equals(hex.toLowerCase(Locale.ROOT))) {
                throw new IOException("checksum file " + file + " line " + lineNo + ": " + name
                        + " is listed twice with different checksums");
            }
        }
        return new Sha256Sums(m);
    }

    /**
     * The expected checksum of a file.
     *
     * @param fileName a file name (without folder)
     * @return its checksum in lower-case hex, if listed
     */
    public Optional<String> get(String fileName) {
        return Optional.ofNullable(byName.get(fileName));
    }

    /** @return the listed file names and checksums (lower-case hex), in file order */
    public Map<String, String> asMap() {
        return byName;
    }

    /**
     * Computes a file's SHA-256 checksum.
     *
     * @param file the file
     * @param listener receives the progress in bytes (may be {@link ProgressListener#NONE})
     * @return 64 lower-case hex digits
     * @throws IOException if reading fails
     */
    public static String compute(Path file, ProgressListener listener) throws IOException {
        Objects.requireNonNull(listener, "listener");
        MessageDigest digest = newDigest();
        listener.started("checking " + file.getFileName(), Files.size(file), "bytes");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            long done = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                digest.update(buf, 0, n);
                done += n;
                listener.advanced(done);
            }
        } finally {
            listener.finished();
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** @return a new SHA-256 digest */
    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
