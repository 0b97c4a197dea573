package org.dckd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.dckd.data.image.ImageFiles;
import org.dckd.testing.SharedData;
import org.dckd.testing.TrainingFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No command destroys the user's files: an output that is, contains or lies inside an input is refused before anything
 * is written, and so are two inputs that would be written to one output name (issue: reliability).
 */
class NoDataLossCliTest {

    /** Every file under {@code dir} with its bytes. */
    private static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    private static void assertUnchanged(Map<String, byte[]> before, Path dir) throws IOException {
        Map<String, byte[]> after = snapshot(dir);
        assertEquals(before.keySet(), after.keySet(), "files added or removed under " + dir);
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k + " changed"));
    }

    @Test
    void upscaleNeverWritesIntoItsInputFolderNorTwoInputsToOneName(@TempDir Path dir) throws Exception {
        Path in = TrainingFolders.hrOnly(dir.resolve("photos"), 2, 24, 24);
        // the user's own file with the name an output would get
        Files.copy(in.resolve("img_000.png"), in.resolve("img_001_x4.png"));
        Path weights = Files.writeString(dir.resolve("w.safetensors"), "not read: refused before loading");
        Map<String, byte[]> before = snapshot(in);
        for (Path output : new Path[] {in, in.resolve("sr"), dir}) {
            CliRun r = CliRun.of("upscale", "--model", "rlfn_s", "--weights", weights.toString(), "--scale", "4",
                    "--input", in.toString(), "--output", output.toString(), "--overwrite");
            assertNotEquals(0, r.status());
            assertTrue(r.err().contains("--output " + output) && r.err().contains("--input " + in), r.err());
            assertUnchanged(before, in);
        }
        // two inputs, one output name
        Path two = Files.createDirectories(dir.resolve("two"));
        Files.copy(in.resolve("img_000.png"), two.resolve("a.png"));
        ImageFiles.writePng(ImageFiles.read(in.resolve("img_001.png")), two.resolve("a.bmp"), ImageFiles.IfExists.FAIL);
        CliRun r = CliRun.of("upscale", "--model", "rlfn_s", "--weights", weights.toString(), "--scale", "4",
                "--input", two.toString(), "--output", dir.resolve("out").toString());
        assertNotEquals(0, r.status());
        assertTrue(r.err().contains("a.png") && r.err().contains("a.bmp") && r.err().contains("a_x4.png"), r.err());
        assertTrue(Files.notExists(dir.resolve("out")), "nothing written");
    }

    @Test
    void upscaleNamesTheOutputOfAFileWithoutExtension(@TempDir Path dir) throws Exception {
        Path weights = SharedData.require("data/weights/rlfn_official/rlfn_s_x4.pth");
        Path lr = Files.copy(SharedData.require("data/benchmarks/Set5/LR_bicubic/X4/birdx4.png"), dir.resolve("bird"));
        CliRun r = CliRun.of("upscale", "--model", "rlfn_s", "--weights", weights.toString(), "--scale", "4",
                "--input", lr.toString(), "--output", dir.resolve("out").toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(288, ImageFiles.read(dir.resolve("out/bird_x4.png")).width());
    }

    @Test
    void prepareLrNeverWritesOverOrAmongTheHrImages(@TempDir Path dir) throws Exception {
        Path hr = TrainingFolders.hrOnly(dir.resolve("hr"), 2, 32, 32);
        Map<String, byte[]> before = snapshot(hr);
        for (String[] extra : new String[][] {{}, {"--overwrite"}}) {
            for (Path out : new Path[] {hr, hr.resolve("X4"), dir}) {
                String[] args = Stream.concat(Stream.of("prepare", "lr", "--hr", hr.toString(), "--scale", "4",
                        "--out", out.toString(), "--pattern", "{name}.png"), Stream.of(extra)).toArray(String[]::new);
                CliRun r = CliRun.of(args);
                assertNotEquals(0, r.status(), r.out());
                assertTrue(r.err().contains("the LR folder " + out) && r.err().contains("the HR folder " + hr),
                        r.err());
                assertUnchanged(before, hr);
            }
        }
    }

    @Test
    void evaluateNeverWritesItsReportIntoTheData(@TempDir Path dir) throws Exception {
        Path set = Files.createDirectories(dir.resolve("Set/HR"));
        TrainingFolders.hrOnly(set, 1, 32, 32);
        Path data = set.getParent();
        Map<String, byte[]> before = snapshot(data);
        CliRun r = CliRun.of("evaluate", "--model", "bicubic", "--scale", "4", "--data", data.toString(), "--json",
                data.resolve("HR/img_000.png").toString(), "--overwrite");
        assertNotEquals(0, r.status());
        assertTrue(r.err().contains("--json") && r.err().contains("--data"), r.err());
        assertUnchanged(before, data);
        CliRun same = CliRun.of("evaluate", "--model", "bicubic", "--scale", "4", "--data", data.toString(), "--json",
                dir.resolve("r.txt").toString(), "--csv", dir.resolve("r.txt").toString());
        assertNotEquals(0, same.status());
        assertTrue(same.err().contains("same file"), same.err());
    }

    @Test
    void quickstartWritesOnlyIntoANewFolder(@TempDir Path dir) throws Exception {
        Path mine = Files.createDirectories(dir.resolve("work"));
        Files.writeString(mine.resolve("teacher.yaml"), "my own config");
        CliRun r = CliRun.of("quickstart", "--out", mine.toString());
        assertNotEquals(0, r.status());
        assertTrue(r.err().contains("not empty"), r.err());
        assertEquals("my own config", Files.readString(mine.resolve("teacher.yaml")));
    }
}
