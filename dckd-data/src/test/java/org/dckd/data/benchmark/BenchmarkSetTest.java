package org.dckd.data.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.dckd.data.image.Image;
import org.dckd.data.image.ImageFiles;
import org.dckd.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkSetTest {

    @TempDir
    Path tmp;

    private static List<String> names(BenchmarkSet set) {
        List<String> n = new ArrayList<>();
        set.forEach(p -> n.add(p.name()));
        return n;
    }

    @Test
    void set5X4IsStandardSortedAndReadsShippedLr() throws IOException {
        BenchmarkSet set = BenchmarkSet.open(SharedData.require("data/benchmarks/Set5"), 4);
        assertEquals("Set5", set.name());
        assertEquals(BenchmarkSet.Layout.STANDARD, set.layout());
        assertEquals(List.of("baby", "bird", "butterfly", "head", "woman"), names(set));
        assertEquals(0, set.generatedCount());
        for (BenchmarkPair p : set) {
            assertTrue(p.lrFile().orElseThrow().getFileName().toString().equals(p.name() + "x4.png"));
            BenchmarkSample s = p.load();
            assertFalse(s.lrGenerated());
            assertEquals(s.hr().width() / 4, s.lr().width(), p.name());
            assertEquals(s.hr().height() / 4, s.lr().height(), p.name());
        }
        BenchmarkSample woman = set.pairs().get(4).load();
        assertEquals(228, woman.hr().width());
        assertEquals(344, woman.hr().height());
    }

    @Test
    void set14X3ModcropsHrToMatchLr() throws IOException {
        BenchmarkSet set = BenchmarkSet.open(SharedData.require("data/benchmarks/Set14"), 3);
        assertEquals(14, set.size());
        assertEquals("baboon", set.pairs().get(0).name());
        assertEquals("zebra", set.pairs().get(13).name());
        for (BenchmarkPair p : set) {
            BenchmarkSample s = p.load();
            assertEquals(0, s.hr().width() % 3);
            assertEquals(0, s.hr().height() % 3);
            assertEquals(s.hr().width(), 3 * s.lr().width());
            if (p.name().equals("comic")) { // 250 x 361
                assertEquals(249, s.hr().width());
                assertEquals(360, s.hr().height());
            }
        }
    }

    @Test
    void missingLrFolderAndFilesAreGeneratedBitExactly() throws IOException {
        Path shared = SharedData.require("data/benchmarks/Set5");
        Path dir = tmp.resolve("Mini");
        Files.createDirectories(dir.resolve("HR"));
        for (String n : new String[] {"bird", "woman"}) {
            Files.copy(shared.resolve("HR/" + n + ".png"), dir.resolve("HR/" + n + ".png"));
        }
        BenchmarkSet set = BenchmarkSet.open(dir, 4);
        assertEquals(2, set.generatedCount(), "no LR_bicubic folder at all");
        for (BenchmarkPair p : set) {
            BenchmarkSample s = p.load();
            assertTrue(s.lrGenerated());
            Image shipped = ImageFiles.read(shared.resolve("LR_bicubic/X4/" + p.name() + "x4.png"));
            assertEquals(shipped, s.lr(), "generated LR of " + p.name() + " equals the shipped file");
        }
        // one LR file present, the other missing
        Files.createDirectories(dir.resolve("LR_bicubic/X4"));
        Files.copy(shared.resolve("LR_bicubic/X4/birdx4.png"), dir.resolve("LR_bicubic/X4/birdx4.png"));
        Files.writeString(dir.resolve("LR_bicubic/X4/notes.txt"), "ignored");
        BenchmarkSet mixed = BenchmarkSet.open(dir, 4);
        assertEquals(1, mixed.generatedCount());
        assertTrue(mixed.pairs().get(0).lrFile().isPresent());
        assertTrue(mixed.pairs().get(1).lrFile().isEmpty());
        try (var s = Files.list(dir.resolve("LR_bicubic/X4"))) {
            assertEquals(2, s.count(), "nothing is written into the data folder");
        }
    }

    private static Image random(int w, int h, long seed) {
        Random r = new Random(seed);
        float[] v = new float[3 * w * h];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(256);
        }
        return Image.of(w, h, v);
    }

    @Test
    void wrongSizeLrIsRejectedNamingBothFilesAndSizes() throws IOException {
        Path dir = tmp.resolve("Bad");
        Files.createDirectories(dir.resolve("HR"));
        Files.createDirectories(dir.resolve("LR_bicubic/X2"));
        Path hr = dir.resolve("HR/img.png");
        Path lr = dir.resolve("LR_bicubic/X2/imgx2.png");
        ImageFiles.writePng(random(21, 15, 1), hr, ImageFiles.IfExists.FAIL); // modcrop -> 20x14 -> LR 10x7
        ImageFiles.writePng(random(11, 7, 2), lr, ImageFiles.IfExists.FAIL);
        BenchmarkPair p = BenchmarkSet.open(dir, 2).pairs().get(0);
        InvalidBenchmarkException e = assertThrows(InvalidBenchmarkException.class, p::load);
        String m = e.getMessage();
        assertTrue(m.contains(hr.toString()) && m.contains(lr.toString()), m);
        assertTrue(m.contains("11x7") && m.contains("21x15") && m.contains("20x14") && m.contains("10x7"), m);

        ImageFiles.writePng(random(10, 7, 2), lr, ImageFiles.IfExists.REPLACE);
        BenchmarkSample ok = BenchmarkSet.open(dir, 2).pairs().get(0).load();
        assertEquals(20, ok.hr().width());
        assertEquals(10, ok.lr().width());
    }

    @Test
    void plainFolderOfHrImagesGeneratesLr() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plain"));
        ImageFiles.writePng(random(16, 12, 3), dir.resolve("b.png"), ImageFiles.IfExists.FAIL);
        ImageFiles.writePng(random(17, 13, 4), dir.resolve("a.PNG"), ImageFiles.IfExists.FAIL);
        Files.writeString(dir.resolve("readme.txt"), "not an image");
        Files.createDirectories(dir.resolve("sub"));
        BenchmarkSet set = BenchmarkSet.open(dir, 4);
        assertEquals(BenchmarkSet.Layout.PLAIN, set.layout());
        assertEquals(List.of("a", "b"), names(set));
        BenchmarkSample a = set.pairs().get(0).load();
        assertTrue(a.lrGenerated());
        assertEquals(16, a.hr().width());
        assertEquals(12, a.hr().height());
        assertEquals(4, a.lr().width());
        assertEquals(3, a.lr().height());
    }

    @Test
    void missingEmptyAndAmbiguousFoldersAreClearErrors() throws IOException {
        Path missing = tmp.resolve("nothing");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> BenchmarkSet.open(missing, 4));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        Path file = Files.writeString(tmp.resolve("file.txt"), "x");
        assertThrows(NoSuchFileException.class, () -> BenchmarkSet.open(file, 4));

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        InvalidBenchmarkException e2 = assertThrows(InvalidBenchmarkException.class, () -> BenchmarkSet.open(empty,
                4));
        assertTrue(e2.getMessage().contains(empty.toString()) && e2.getMessage().contains("no images"),
                e2.getMessage());
        Path emptyHr = Files.createDirectories(tmp.resolve("emptyhr/HR"));
        assertThrows(InvalidBenchmarkException.class, () -> BenchmarkSet.open(emptyHr.getParent(), 4));

        Path dup = Files.createDirectories(tmp.resolve("dup"));
        ImageFiles.writePng(random(8, 8, 5), dup.resolve("x.png"), ImageFiles.IfExists.FAIL);
        Files.copy(dup.resolve("x.png"), dup.resolve("x.bmp"));
        InvalidBenchmarkException e3 = assertThrows(InvalidBenchmarkException.class, () -> BenchmarkSet.open(dup,
                2));
        assertTrue(e3.getMessage().contains("x.png") && e3.getMessage().contains("x.bmp"), e3.getMessage());

        assertThrows(IllegalArgumentException.class, () -> BenchmarkSet.open(dup, 0));
    }

    @Test
    void hrSmallerThanScaleIsRejectedOnLoad() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("tiny"));
        ImageFiles.writePng(random(3, 9, 6), dir.resolve("t.png"), ImageFiles.IfExists.FAIL);
        BenchmarkPair p = BenchmarkSet.open(dir, 4).pairs().get(0);
        InvalidBenchmarkException e = assertThrows(InvalidBenchmarkException.class, p::load);
        assertTrue(e.getMessage().contains("t.png") && e.getMessage().contains("3x9"), e.getMessage());
    }
}
