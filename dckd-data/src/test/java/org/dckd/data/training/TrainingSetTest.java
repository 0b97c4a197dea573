package org.dckd.data.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

import org.dckd.data.image.Image;
import org.dckd.data.image.ImageFiles;
import org.dckd.data.loader.PatchBatch;
import org.dckd.data.loader.PatchLoader;
import org.dckd.data.prepare.InvalidDataException;
import org.dckd.data.prepare.MetaInfo;
import org.dckd.data.prepare.SubImageExtractor;
import org.dckd.data.resize.MatlabBicubic;
import org.dckd.testing.TrainingFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingSetTest {

    @TempDir
    Path dir;

    private static TrainingDataConfig config(int patch, SourceConfig... sources) {
        TrainingDataConfig.Builder b = TrainingDataConfig.builder(4).optPatchSize(patch).optWorkers(2);
        for (SourceConfig s : sources) {
            b.addSource(s);
        }
        return b.build();
    }

    private TrainingSet open(TrainingDataConfig c) throws IOException {
        return TrainingSet.open(c, dir, org.dckd.data.prepare.ProgressListener.NONE);
    }

    @Test
    void mixesDiv2kAndFlickr2kLayoutsInConfigOrder() throws IOException {
        TrainingFolders.div2k(dir.resolve("DIV2K"), "train", 3, 128, 96, 4);
        TrainingFolders.flickr2k(dir.resolve("Flickr2K"), 2, 100, 84, 4);
        TrainingSet set = open(config(16, Div2kSource.train("DIV2K"), new Flickr2kSource("Flickr2K", null, null)));
        assertEquals(5, set.size());
        assertEquals(List.of("DIV2K_train/0001", "DIV2K_train/0002", "DIV2K_train/0003", "Flickr2K/000001",
                "Flickr2K/000002"), set.pairs().stream().map(TrainingPair::id).toList());
        TrainingPair f = set.pairs().get(3);
        assertEquals(dir.resolve("Flickr2K/Flickr2K_LR_bicubic/X4/000001x4.png"), f.lrFile());
        assertEquals(100, f.hrWidth());
        assertEquals(25, f.lrWidth());
        assertEquals(21, f.lrHeight());
        assertEquals(2, set.sources().size());
        assertEquals(3, set.sources().get(0).pairs());
        assertFalse(set.sources().get(0).subImages());
        assertEquals(Map.of(), set.sources().get(0).conversions());
        assertEquals(16, set.fingerprint().length());
        assertEquals(set.fingerprint(), open(config(16, Div2kSource.train("DIV2K"),
                new Flickr2kSource("Flickr2K", null, null))).fingerprint());
        assertNotEquals(set.fingerprint(), open(config(16, Div2kSource.train("DIV2K"))).fingerprint());
    }

    @Test
    void pairedFoldersUseTheFileNamePattern() throws IOException {
        Path hr = Files.createDirectories(dir.resolve("hr"));
        Path lr = Files.createDirectories(dir.resolve("lr"));
        for (int i = 0; i < 2; i++) {
            TrainingFolders.writePair(TrainingFolders.hr(i, 64, 64), hr.resolve("p" + i + ".png"),
                    lr.resolve("p" + i + "_low.png"), 4);
        }
        TrainingSet set = open(config(16, PairedSource.of("hr", "lr", "{name}_low.{ext}", "mine", null)));
        assertEquals(List.of("mine/p0", "mine/p1"), set.pairs().stream().map(TrainingPair::id).toList());
        assertEquals(lr.resolve("p1_low.png"), set.pairs().get(1).lrFile());
    }

    @Test
    void hrOnlySourcesGenerateTheLrImagesOnceAndCacheThem() throws IOException {
        Path hr = TrainingFolders.hrOnly(dir.resolve("photos"), 3, 90, 70);
        TrainingSet first = open(config(16, new HrOnlySource("photos", null, null, null)));
        Path cache = dir.resolve("photos_LR_bicubic/X4");
        assertEquals(3, first.sources().get(0).lrGenerated());
        assertEquals(cache, first.sources().get(0).lrFolder());
        for (TrainingPair p : first.pairs()) {
            Image expected = MatlabBicubic.downscale(ImageFiles.read(p.hrFile()).modcrop(4), 4);
            assertEquals(expected, ImageFiles.read(p.lrFile()), p.id());
            assertEquals(22, p.lrWidth());
            assertEquals(17, p.lrHeight());
        }
        FileTime stamp = Files.getLastModifiedTime(cache.resolve("img_000x4.png"));
        TrainingSet second = open(config(16, new HrOnlySource("photos", null, null, null)));
        assertEquals(0, second.sources().get(0).lrGenerated(), "cached, not regenerated");
        assertEquals(stamp, Files.getLastModifiedTime(cache.resolve("img_000x4.png")));
        assertEquals(first.fingerprint(), second.fingerprint());
        // an HR file newer than its cached LR file is regenerated
        Files.setLastModifiedTime(cache.resolve("img_001x4.png"), FileTime.fromMillis(0));
        assertEquals(1, open(config(16, new HrOnlySource("photos", null, null, null))).sources().get(0).lrGenerated());
        assertTrue(Files.isDirectory(hr));
    }

    @Test
    void preparedSubImagesReplaceTheOriginalsWhenComplete() throws IOException {
        TrainingFolders.div2k(dir.resolve("DIV2K"), "train", 2, 160, 128, 4);
        Path hr = dir.resolve("DIV2K/DIV2K_train_HR");
        Path lr = dir.resolve("DIV2K/DIV2K_train_LR_bicubic/X4");
        SubImageExtractor.builder().setHrFolder(hr).optLrFolder(lr).setScale(4).optCropSize(96).optStep(64).build()
                .extract();
        TrainingSet sub = open(config(16, Div2kSource.train("DIV2K")));
        assertTrue(sub.sources().get(0).subImages());
        assertEquals(dir.resolve("DIV2K/DIV2K_train_HR_sub"), sub.sources().get(0).hrFolder());
        assertEquals(dir.resolve("DIV2K/DIV2K_train_LR_bicubic/X4_sub"), sub.sources().get(0).lrFolder());
        assertEquals(8, sub.size(), "2 images x (2 x 2) windows");
        assertEquals("DIV2K_train/0001_s001", sub.pairs().get(0).id());
        assertEquals(96, sub.pairs().get(0).hrWidth());
        assertEquals(24, sub.pairs().get(0).lrWidth());

        TrainingSet original = open(config(16, Div2kSource.train("DIV2K")).toBuilder().optUseSubimages(false).build());
        assertEquals(2, original.size());
        // an explicit meta_info pins the file list: no switch to sub-images
        Path meta = dir.resolve("only2.txt");
        Files.writeString(meta, "0002.png (128,160,3)\n");
        TrainingSet pinned = open(config(16, new Div2kSource("DIV2K", "train", null, "only2.txt")));
        assertEquals(List.of("DIV2K_train/0002"), pinned.pairs().stream().map(TrainingPair::id).toList());
        // an incomplete LR sub-image folder (no meta-info file) is not used
        Files.delete(lr.resolveSibling("X4_sub").resolve(MetaInfo.FILE_NAME));
        assertEquals(2, open(config(16, Div2kSource.train("DIV2K"))).size());
    }

    @Test
    void aMissingPartnerIsAnErrorNamingBothFiles() throws IOException {
        TrainingFolders.div2k(dir.resolve("DIV2K"), "train", 3, 128, 96, 4);
        Path lr = dir.resolve("DIV2K/DIV2K_train_LR_bicubic/X4/0002x4.png");
        Files.delete(lr);
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> open(config(16, Div2kSource.train("DIV2K"))));
        assertTrue(e.getMessage().contains("has no LR partner") && e.getMessage().contains(lr.toString())
                && e.getMessage().contains("0002.png"), e.getMessage());
        assertTrue(e.files().contains(lr));
    }

    @Test
    void lrSizeThatIsNotModcroppedHrOverScaleIsAnError() throws IOException {
        TrainingFolders.div2k(dir.resolve("DIV2K"), "train", 2, 130, 98, 4);
        Path lr = dir.resolve("DIV2K/DIV2K_train_LR_bicubic/X4/0001x4.png");
        // 130x98 modcrops to 128x96, so x4 needs 32x24; write 33x24 instead
        ImageFiles.writePng(TrainingFolders.hr(5, 33, 24), lr, ImageFiles.IfExists.REPLACE);
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> open(config(16, Div2kSource.train("DIV2K"))));
        assertTrue(e.getMessage().contains("LR image " + lr + " is 33x24") && e.getMessage().contains("modcropped to"
                + " 128x96") && e.getMessage().contains("needs an LR image of 32x24"), e.getMessage());
        ImageFiles.writePng(TrainingFolders.hr(5, 32, 24), lr, ImageFiles.IfExists.REPLACE);
        assertEquals(2, open(config(16, Div2kSource.train("DIV2K"))).size(), "a correct size opens");
    }

    @Test
    void imagesSmallerThanThePatchAreAnError() throws IOException {
        TrainingFolders.div2k(dir.resolve("DIV2K"), "train", 1, 128, 60, 4);
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> open(config(16, Div2kSource.train("DIV2K"))));
        assertTrue(e.getMessage().contains("0001x4.png (32x15") && e.getMessage().contains("smaller than the patch"
                + " size 16x16"), e.getMessage());
        assertEquals(1, open(config(15, Div2kSource.train("DIV2K"))).size());
    }

    @Test
    void unreadableFilesAndEmptyFoldersAreErrorsNamingTheFile() throws IOException {
        TrainingFolders.div2k(dir.resolve("DIV2K"), "train", 2, 128, 96, 4);
        Path bad = dir.resolve("DIV2K/DIV2K_train_HR/0002.png");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> open(config(16, Div2kSource.train("DIV2K"))));
        assertTrue(e.getMessage().contains("cannot read image " + bad), e.getMessage());
        assertEquals(List.of(bad), e.files());

        Files.createDirectories(dir.resolve("empty"));
        InvalidDataException empty = assertThrows(InvalidDataException.class,
                () -> open(config(16, HrOnlySource.of("empty", "cache"))));
        assertTrue(empty.getMessage().contains("contains no images"), empty.getMessage());
        InvalidDataException missing = assertThrows(InvalidDataException.class,
                () -> open(config(16, Div2kSource.train("nowhere"))));
        assertTrue(missing.getMessage().contains("HR folder " + dir.resolve("nowhere/DIV2K_train_HR")
                + " does not exist"), missing.getMessage());
    }

    @Test
    void aMissingLrFolderSuggestsHowToMakeIt() throws IOException {
        TrainingFolders.hrOnly(dir.resolve("x/DIV2K_train_HR"), 1, 64, 64);
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> open(config(16, Div2kSource.train("x"))));
        assertTrue(e.getMessage().contains("./dckd prepare lr") && e.getMessage().contains("hr_only"), e.getMessage());
    }

    @Test
    void everyProblemIsListedInOneError() throws IOException {
        TrainingFolders.div2k(dir.resolve("DIV2K"), "train", 4, 128, 96, 4);
        Path lrDir = dir.resolve("DIV2K/DIV2K_train_LR_bicubic/X4");
        Files.delete(lrDir.resolve("0001x4.png"));
        ImageFiles.writePng(TrainingFolders.hr(1, 10, 10), lrDir.resolve("0003x4.png"), ImageFiles.IfExists.REPLACE);
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> open(config(16, Div2kSource.train("DIV2K"))));
        assertTrue(e.getMessage().startsWith("training data has 2 problems (in 4 pairs):"), e.getMessage());
        assertTrue(e.getMessage().contains("0001x4.png does not exist") && e.getMessage().contains("0003x4.png is"
                + " 10x10"), e.getMessage());
    }

    @Test
    void sourcesWithTheSameNameAreAnError() throws IOException {
        TrainingFolders.div2k(dir.resolve("DIV2K"), "train", 1, 128, 96, 4);
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> open(config(16, Div2kSource.train("DIV2K"), Div2kSource.train("DIV2K"))));
        assertTrue(e.getMessage().contains("two training sources are named 'DIV2K_train'"), e.getMessage());
    }

    @Test
    void grayAlphaAndSixteenBitFilesAreConvertedAndCounted() throws IOException {
        Path hr = Files.createDirectories(dir.resolve("odd"));
        BufferedImage gray = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage alpha = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        BufferedImage gray16 = new BufferedImage(64, 64, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                gray.getRaster().setSample(x, y, 0, (x * 4 + y) & 0xff);
                alpha.setRGB(x, y, (x * 3) << 24 | (x * 2) << 16 | y * 3 << 8 | 77);
                gray16.getRaster().setSample(x, y, 0, x * 1000 + y);
            }
        }
        ImageIO.write(gray, "png", hr.resolve("a_gray.png").toFile());
        ImageIO.write(alpha, "png", hr.resolve("b_alpha.png").toFile());
        ImageIO.write(gray16, "png", hr.resolve("c_gray16.png").toFile());
        TrainingSet set = open(config(16, HrOnlySource.of("odd", "odd_lr")));
        assertEquals(3, set.size());
        Map<String, Integer> conv = set.sources().get(0).conversions();
        assertEquals(2, conv.get("grayscale replicated to RGB"), conv.toString());
        assertEquals(1, conv.get("alpha channel dropped"), conv.toString());
        assertEquals(1, conv.get("16-bit samples scaled to 0..255"), conv.toString());
        assertTrue(set.sources().get(0).toString().contains("1 files: alpha channel dropped"));
        // the generated LR images are plain 8-bit RGB
        for (TrainingPair p : set.pairs()) {
            assertTrue(ImageFiles.readInfo(p.lrFile()).isPlainRgb8(), p.lrFile().toString());
        }
        // patches carry the converted values: gray replicated (R = G = B), 16-bit scaled to [0, 1] without rounding
        TrainingDataConfig c = config(16, HrOnlySource.of("odd", "odd_lr")).toBuilder().optWorkers(0).optBatchSize(3)
                .build();
        try (PatchLoader loader = PatchLoader.builder().setTrainingSet(set).setConfig(c).build()) {
            PatchBatch b = loader.next();
            int plane = 64 * 64;
            boolean fractional = false;
            for (int j = 0; j < 3; j++) {
                String id = b.samples().get(j).id();
                int base = j * 3 * plane;
                if (id.endsWith("gray") || id.endsWith("gray16")) {
                    for (int i = 0; i < plane; i++) {
                        assertEquals(b.hr()[base + i], b.hr()[base + plane + i], id);
                        assertEquals(b.hr()[base + i], b.hr()[base + 2 * plane + i], id);
                    }
                }
                if (id.endsWith("gray16")) {
                    for (int i = 0; i < plane; i++) {
                        float level = b.hr()[base + i] * 255f;
                        fractional |= Math.abs(level - Math.round(level)) > 1e-3;
                    }
                }
            }
            assertTrue(fractional, "16-bit samples keep their fractional 8-bit levels");
        }
    }
}
