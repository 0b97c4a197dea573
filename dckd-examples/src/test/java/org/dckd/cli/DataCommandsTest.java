package org.dckd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import org.dckd.data.image.ImageFiles;
import org.dckd.data.prepare.MetaInfo;
import org.dckd.data.prepare.ProgressListener;
import org.dckd.data.prepare.Sha256Sums;
import org.dckd.testing.SharedData;
import org.dckd.testing.TrainingFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dckd prepare ...} and {@code dckd bench data}, run in-process. */
class DataCommandsTest {

    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void parentCommandsListTheirSubcommands() {
        CliRun help = run("--help");
        assertTrue(help.out().contains("prepare") && help.out().contains("bench"), help.out());
        CliRun prepare = run("prepare");
        assertEquals(2, prepare.status());
        assertTrue(prepare.err().contains("missing subcommand: lr, subimages or div2k"), prepare.err());
        CliRun bench = run("bench");
        assertEquals(2, bench.status());
        assertTrue(bench.err().contains("missing subcommand: data"), bench.err());
        assertEquals(0, run("bench", "data", "--help").status());
    }

    @Test
    void prepareLrMakesTheShippedSet5LrImages() throws Exception {
        Path set5 = SharedData.require("data/benchmarks/Set5");
        Path out = dir.resolve("X4");
        CliRun r = run("prepare", "lr", "--hr", set5.resolve("HR").toString(), "--scale", "4", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("5 LR images written, 0 up to date"), r.out());
        assertTrue(r.err().contains("generating x4 LR images"), r.err());
        for (Path shipped : ImageFiles.listImages(set5.resolve("LR_bicubic/X4"))) {
            assertEquals(ImageFiles.read(shipped), ImageFiles.read(out.resolve(shipped.getFileName())));
        }
        CliRun again = run("prepare", "lr", "--hr", set5.resolve("HR").toString(), "--scale", "4", "--out",
                out.toString());
        assertTrue(again.out().contains("0 LR images written, 5 up to date"), again.out());
    }

    @Test
    void prepareSubimagesWritesBothFoldersAndTellsHowToUseThem() throws Exception {
        Path hr = TrainingFolders.hrOnly(dir.resolve("imgs"), 2, 200, 104);
        CliRun r = run("prepare", "subimages", "--hr", hr.toString(), "--scale", "4", "--crop", "96", "--step", "48");
        assertEquals(0, r.status(), r.err());
        // 200x104 -> LR 50x26, windows of 24 at stride 12: x 0,12,24,26; y 0,2
        assertTrue(r.out().contains("2 images -> 16 sub-images of 96 px (LR 24 px)"), r.out());
        assertTrue(r.out().contains("type: paired"), r.out());
        assertEquals(16, MetaInfo.read(dir.resolve("imgs_sub").resolve(MetaInfo.FILE_NAME)).entries().size());
        assertEquals(16, MetaInfo.read(dir.resolve("imgs_LR_bicubic/X4_sub").resolve(MetaInfo.FILE_NAME)).entries()
                .size());
        CliRun again = run("prepare", "subimages", "--hr", hr.toString(), "--scale", "4", "--crop", "96", "--step", "48");
        assertEquals(1, again.status());
        assertTrue(again.err().contains("already prepared"), again.err());
        CliRun bad = run("prepare", "subimages", "--hr", hr.toString(), "--scale", "4", "--crop", "90");
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("crop size must be a positive multiple of the scale 4"), bad.err());
    }

    @Test
    void prepareDiv2kDownloadsFromALocalServerAndVerifiesChecksums() throws Exception {
        Path src = dir.resolve("src");
        TrainingFolders.div2k(src, "valid", 2, 96, 96, 4);
        Path hrZip = zip(src, "DIV2K_valid_HR", dir.resolve("DIV2K_valid_HR.zip"));
        Path lrZip = zip(src, "DIV2K_valid_LR_bicubic", dir.resolve("DIV2K_valid_LR_bicubic_X4.zip"));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            Path f = dir.resolve(exchange.getRequestURI().getPath().substring(1));
            if (Files.isRegularFile(f)) {
                exchange.sendResponseHeaders(200, Files.size(f));
                try (OutputStream os = exchange.getResponseBody()) {
                    Files.copy(f, os);
                }
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            Path sums = dir.resolve("sums.txt");
            Files.writeString(sums, Sha256Sums.compute(hrZip, ProgressListener.NONE) + "  DIV2K_valid_HR.zip\n"
                    + Sha256Sums.compute(lrZip, ProgressListener.NONE) + "  DIV2K_valid_LR_bicubic_X4.zip\n");
            CliRun missing = run("prepare", "div2k", "--out", dir.resolve("D").toString(), "--base-url", base);
            assertEquals(2, missing.status());
            assertTrue(missing.err().contains("--sha256"), missing.err());
            CliRun r = run("prepare", "div2k", "--out", dir.resolve("D").toString(), "--sha256", sums.toString(),
                    "--splits", "valid", "--base-url", base);
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().contains("2 archives downloaded, 2 unpacked"), r.out());
            assertTrue(r.err().contains("downloading DIV2K_valid_HR.zip"), r.err());
            assertTrue(Files.exists(dir.resolve("D/DIV2K_valid_LR_bicubic/X4/0802x4.png")));
        } finally {
            server.stop(0);
        }
    }

    private static Path zip(Path root, String folder, Path target) throws Exception {
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(target));
             var files = Files.walk(root.resolve(folder))) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                z.putNextEntry(new ZipEntry(root.relativize(p).toString().replace('\\', '/')));
                z.write(Files.readAllBytes(p));
                z.closeEntry();
            }
        }
        return target;
    }

    @Test
    void benchDataMeasuresLoaderAndTrainingAndWritesJson() throws Exception {
        Path hr = TrainingFolders.hrOnly(dir.resolve("photos"), 4, 160, 128);
        Path json = dir.resolve("bench.json");
        CliRun r = run("bench", "data", "--data", hr.toString(), "--scale", "4", "--patch", "16", "--batch", "4",
                "--batches", "3", "--warmup", "1", "--crop", "96", "--step", "64", "--train-steps", "1",
                "--json", json.toString());
        assertEquals(0, r.status(), r.err());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertTrue(root.get("command").asText().startsWith("./dckd bench data --data " + hr), root.toString());
        assertEquals(4, root.get("loose").get("lr_generated").asInt());
        assertEquals(16, root.get("subimages").get("pairs").asInt(), "4 images x 2 x 2 windows");
        JsonNode loader = root.get("loader");
        assertEquals(4, loader.size(), "loose and sub-images, 1 and 2 workers");
        for (JsonNode n : loader) {
            assertTrue(n.get("batches_per_s").asDouble() > 0, n.toString());
            assertEquals(4 * n.get("batches_per_s").asDouble(), n.get("patches_per_s").asDouble(), 0.1);
        }
        assertEquals("rlfn_s", root.get("train_step").get("model").asText());
        assertTrue(root.get("train_step").get("steps_per_s").asDouble() > 0);
        assertEquals(2, root.get("train_fed").size());
        assertTrue(root.get("target").has("met"));
        assertTrue(r.out().contains("batches/s") && r.out().contains("training step"), r.out());
        assertEquals(1, run("bench", "data", "--data", hr.toString(), "--json", json.toString()).status(),
                "refuses to overwrite the JSON");
    }
}
