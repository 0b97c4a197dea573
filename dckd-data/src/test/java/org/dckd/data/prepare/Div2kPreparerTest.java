package org.dckd.data.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.sun.net.httpserver.HttpServer;

import org.dckd.data.training.Div2kSource;
import org.dckd.data.training.TrainingDataConfig;
import org.dckd.data.training.TrainingSet;
import org.dckd.testing.TrainingFolders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DIV2K preparation against a local HTTP server on the loopback interface; nothing contacts the internet. */
class Div2kPreparerTest {

    @TempDir
    Path dir;

    private HttpServer server;
    private final Map<String, byte[]> files = new HashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private URI base;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/cvl/DIV2K/", exchange -> {
            requests.incrementAndGet();
            String name = exchange.getRequestURI().getPath().substring("/cvl/DIV2K/".length());
            byte[] body = files.get(name);
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(body);
                }
            }
            exchange.close();
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/cvl/DIV2K/");
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    /** Zips a folder tree under {@code root}, entries relative to {@code root}. */
    private static byte[] zip(Path root, String... folders) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (String folder : folders) {
                List<Path> all = new ArrayList<>();
                try (var s = Files.walk(root.resolve(folder))) {
                    s.sorted().forEach(all::add);
                }
                for (Path p : all) {
                    String name = root.relativize(p).toString().replace('\\', '/');
                    if (Files.isDirectory(p)) {
                        z.putNextEntry(new ZipEntry(name + "/"));
                    } else {
                        z.putNextEntry(new ZipEntry(name));
                        z.write(Files.readAllBytes(p));
                    }
                    z.closeEntry();
                }
            }
        }
        return bytes.toByteArray();
    }

    /** Serves the four x4 archives of a tiny DIV2K (3 train, 1 valid image) and returns their checksum file. */
    private Path serveTinyDiv2k() throws IOException {
        Path src = dir.resolve("source");
        TrainingFolders.div2k(src, "train", 3, 192, 144, 4);
        TrainingFolders.div2k(src, "valid", 1, 192, 144, 4);
        files.put("DIV2K_train_HR.zip", zip(src, "DIV2K_train_HR"));
        files.put("DIV2K_train_LR_bicubic_X4.zip", zip(src, "DIV2K_train_LR_bicubic"));
        files.put("DIV2K_valid_HR.zip", zip(src, "DIV2K_valid_HR"));
        files.put("DIV2K_valid_LR_bicubic_X4.zip", zip(src, "DIV2K_valid_LR_bicubic"));
        StringBuilder sums = new StringBuilder("# sha256sum output\n");
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path tmp = dir.resolve("tmp-" + e.getKey());
            Files.write(tmp, e.getValue());
            sums.append(Sha256Sums.compute(tmp, ProgressListener.NONE)).append("  downloads/").append(e.getKey())
                    .append('\n');
            Files.delete(tmp);
        }
        return Files.writeString(dir.resolve("SHA256SUMS"), sums);
    }

    @Test
    void downloadsVerifiesUnpacksAndPreparesSubImagesThenSkipsEverythingOnARerun() throws IOException {
        Path sums = serveTinyDiv2k();
        Path root = dir.resolve("DIV2K");
        Div2kPreparer.Builder b = Div2kPreparer.builder().setRoot(root).setChecksums(Sha256Sums.read(sums))
                .optBaseUri(base).optSubImageGeometry(96, 48);
        Div2kPreparer.Report r = b.build().prepare();
        assertEquals(4, r.downloaded().size());
        assertEquals(4, r.unpacked().size());
        assertEquals(4, requests.get());
        assertEquals(3, Files.list(root.resolve("DIV2K_train_HR")).count());
        assertTrue(Files.exists(root.resolve("DIV2K_valid_LR_bicubic/X4/0801x4.png")));
        assertTrue(Files.exists(root.resolve("downloads/DIV2K_train_HR.zip")));
        assertEquals(3 * 3 * 2, r.subImages().subImages(), "192x144 in 96/48 windows: 3 x 2 per image");

        // the prepared folders open as a training set, with the sub-images
        TrainingSet set = TrainingSet.open(TrainingDataConfig.builder(4).addSource(Div2kSource.train(root.toString()))
                .optPatchSize(24).build());
        assertEquals(18, set.size());
        assertTrue(set.sources().get(0).subImages());

        Div2kPreparer.Report again = b.build().prepare();
        assertEquals(List.of(), again.downloaded());
        assertEquals(List.of(), again.unpacked());
        assertNull(again.subImages());
        assertEquals(4, requests.get(), "nothing downloaded again");
    }

    @Test
    void aWrongChecksumDeletesTheDownloadAndUnpacksNothing() throws IOException {
        serveTinyDiv2k();
        Map<String, String> sums = new HashMap<>();
        sums.put("DIV2K_valid_HR.zip", "0".repeat(64));
        sums.put("DIV2K_valid_LR_bicubic_X4.zip", "1".repeat(64));
        Path root = dir.resolve("DIV2K");
        IOException e = assertThrows(IOException.class, () -> Div2kPreparer.builder().setRoot(root)
                .setChecksums(Sha256Sums.of(sums)).optBaseUri(base).optSplits(List.of(Div2kPreparer.Split.VALID))
                .build().prepare());
        assertTrue(e.getMessage().contains("checksum mismatch for " + base + "DIV2K_valid_HR.zip")
                && e.getMessage().contains("expected SHA-256 " + "0".repeat(64)), e.getMessage());
        assertFalse(Files.exists(root.resolve("downloads/DIV2K_valid_HR.zip")));
        assertFalse(Files.exists(root.resolve("downloads/DIV2K_valid_HR.zip.part")));
        assertFalse(Files.exists(root.resolve("DIV2K_valid_HR")));
    }

    @Test
    void missingChecksumsFailBeforeAnyDownload() throws IOException {
        serveTinyDiv2k();
        IOException e = assertThrows(IOException.class, () -> Div2kPreparer.builder().setRoot(dir.resolve("D"))
                .setChecksums(Sha256Sums.of(Map.of("DIV2K_train_HR.zip", "a".repeat(64)))).optBaseUri(base).build()
                .prepare());
        assertTrue(e.getMessage().contains("no SHA-256 checksum for DIV2K_train_LR_bicubic_X4.zip,"
                + " DIV2K_valid_HR.zip, DIV2K_valid_LR_bicubic_X4.zip"), e.getMessage());
        assertEquals(0, requests.get());
    }

    @Test
    void archivesAlreadyOnDiskAreVerifiedAndUsedWithoutDownloading() throws IOException {
        Path sums = serveTinyDiv2k();
        Path archives = Files.createDirectories(dir.resolve("by-hand"));
        Files.write(archives.resolve("DIV2K_valid_HR.zip"), files.get("DIV2K_valid_HR.zip"));
        Files.write(archives.resolve("DIV2K_valid_LR_bicubic_X4.zip"), files.get("DIV2K_valid_LR_bicubic_X4.zip"));
        Div2kPreparer.Report r = Div2kPreparer.builder().setRoot(dir.resolve("D")).setChecksums(Sha256Sums.read(sums))
                .optBaseUri(base).optSplits(List.of(Div2kPreparer.Split.VALID)).optArchiveFolder(archives).build()
                .prepare();
        assertEquals(List.of(), r.downloaded());
        assertEquals(2, r.unpacked().size());
        assertEquals(0, requests.get());
        // a damaged local archive is refused, naming it
        Files.write(archives.resolve("DIV2K_valid_HR.zip"), new byte[] {1, 2, 3});
        Files.delete(dir.resolve("D/.dckd-unpacked-DIV2K_valid_HR.zip"));
        IOException e = assertThrows(IOException.class, () -> Div2kPreparer.builder().setRoot(dir.resolve("D"))
                .setChecksums(Sha256Sums.read(sums)).optSplits(List.of(Div2kPreparer.Split.VALID))
                .optArchiveFolder(archives).build().prepare());
        assertTrue(e.getMessage().contains(archives.resolve("DIV2K_valid_HR.zip").toString()), e.getMessage());
    }

    @Test
    void anUnreachableServerGivesAClearError() throws IOException {
        Path sums = serveTinyDiv2k();
        server.stop(0);
        IOException e = assertThrows(IOException.class, () -> Div2kPreparer.builder().setRoot(dir.resolve("D"))
                .setChecksums(Sha256Sums.read(sums)).optBaseUri(base).optSplits(List.of(Div2kPreparer.Split.VALID))
                .build().prepare());
        assertTrue(e.getMessage().contains("cannot download " + base + "DIV2K_valid_HR.zip"), e.getMessage());
    }

    @Test
    void zipEntriesOutsideTheTargetAreRefused() throws IOException {
        Path evil = dir.resolve("evil.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(evil))) {
            z.putNextEntry(new ZipEntry("ok/a.txt"));
            z.write(1);
            z.closeEntry();
            z.putNextEntry(new ZipEntry("../escaped.txt"));
            z.write(2);
            z.closeEntry();
        }
        IOException e = assertThrows(IOException.class, () -> ZipUnpacker.unpack(evil, dir.resolve("out"),
                ProgressListener.NONE));
        assertTrue(e.getMessage().contains("'../escaped.txt'"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("escaped.txt")));
        assertFalse(Files.exists(dir.resolve("out/ok/a.txt")), "nothing unpacked");
    }
}
