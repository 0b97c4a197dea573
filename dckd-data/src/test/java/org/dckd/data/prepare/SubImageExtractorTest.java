package org.dckd.data.prepare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.dckd.data.image.Image;
import org.dckd.data.image.ImageFiles;
import org.dckd.data.resize.MatlabBicubic;
import org.dckd.testing.TrainingFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubImageExtractorTest {

    @TempDir
    Path dir;

    @Test
    void windowStartsFollowBasicSr() {
        // DIV2K 2040 px wide, x4: HR windows 0, 240, ..., 1440 and the flush window at 1560 (BasicSR's h_space)
        assertArrayEquals(new int[] {0, 60, 120, 180, 240, 300, 360, 390},
                SubImageExtractor.starts(510, 120, 60, 0, 4));
        // exactly covered: no extra window
        assertArrayEquals(new int[] {0, 60, 120}, SubImageExtractor.starts(240, 120, 60, 0, 4));
        // an uncovered strip of 2 LR = 8 HR pixels is kept when the threshold is 8, covered when it is 7
        assertArrayEquals(new int[] {0, 60}, SubImageExtractor.starts(182, 120, 60, 8, 4));
        assertArrayEquals(new int[] {0, 60, 62}, SubImageExtractor.starts(182, 120, 60, 7, 4));
        // shorter than a window: one window over the whole axis
        assertArrayEquals(new int[] {0}, SubImageExtractor.starts(80, 120, 60, 0, 4));
    }

    @Test
    void cutsAlignedHrAndLrSubImagesWithMetaInfo() throws IOException {
        TrainingFolders.div2k(dir, "train", 2, 202, 130, 4);
        Path hr = dir.resolve("DIV2K_train_HR");
        Path lr = dir.resolve("DIV2K_train_LR_bicubic/X4");
        SubImageExtractor.Report r = SubImageExtractor.builder().setHrFolder(hr).optLrFolder(lr).setScale(4)
                .optCropSize(96).optStep(48).optWorkers(2).build().extract();
        assertEquals(dir.resolve("DIV2K_train_HR_sub"), r.hrOutput());
        assertEquals(dir.resolve("DIV2K_train_LR_bicubic/X4_sub"), r.lrOutput());
        // 202x130 modcrops to 200x128; LR 50x32: x starts 0,12,24,26 (4), y starts 0,8 (2)
        assertEquals(2, r.images());
        assertEquals(16, r.subImages());
        MetaInfo hrMeta = MetaInfo.read(r.hrOutput().resolve(MetaInfo.FILE_NAME));
        MetaInfo lrMeta = MetaInfo.read(r.lrOutput().resolve(MetaInfo.FILE_NAME));
        assertEquals(new MetaInfo.Entry("0001_s001.png", 96, 96, 3), hrMeta.entries().get(0));
        assertEquals(new MetaInfo.Entry("0001_s001.png", 24, 24, 3), lrMeta.entries().get(0));
        assertEquals("0001_s001.png (96,96,3)", Files.readAllLines(r.hrOutput().resolve(MetaInfo.FILE_NAME)).get(0));
        assertEquals(16, hrMeta.entries().size());
        Image hrFull = ImageFiles.read(hr.resolve("0001.png"));
        Image lrFull = ImageFiles.read(lr.resolve("0001x4.png"));
        int[][] windows = {{0, 0}, {12, 0}, {24, 0}, {26, 0}, {0, 8}, {12, 8}, {24, 8}, {26, 8}};
        for (int k = 0; k < windows.length; k++) {
            String name = String.format("0001_s%03d.png", k + 1);
            int x = windows[k][0];
            int y = windows[k][1];
            assertEquals(hrFull.crop(4 * x, 4 * y, 96, 96), ImageFiles.read(r.hrOutput().resolve(name)), name);
            assertEquals(lrFull.crop(x, y, 24, 24), ImageFiles.read(r.lrOutput().resolve(name)), name);
        }
        assertTrue(Files.exists(r.hrOutput().resolve(SubImageExtractor.SETTINGS_FILE)));

        FileAlreadyExistsException again = assertThrows(FileAlreadyExistsException.class, () -> SubImageExtractor
                .builder().setHrFolder(hr).optLrFolder(lr).setScale(4).optCropSize(96).optStep(48).build().extract());
        assertTrue(again.getMessage().contains("already prepared"), again.getMessage());
        assertEquals(16, SubImageExtractor.builder().setHrFolder(hr).optLrFolder(lr).setScale(4).optCropSize(96)
                .optStep(48).optOverwrite(true).build().extract().subImages());
    }

    @Test
    void withoutAnLrFolderTheLrIsMadeFromTheWholeImageBeforeCutting() throws IOException {
        Path hr = TrainingFolders.hrOnly(dir.resolve("photos"), 1, 130, 70);
        SubImageExtractor.Report r = SubImageExtractor.builder().setHrFolder(hr).setScale(2).optCropSize(64)
                .optStep(64).build().extract();
        assertEquals(dir.resolve("photos_LR_bicubic/X2_sub"), r.lrOutput());
        Image full = MatlabBicubic.downscale(ImageFiles.read(hr.resolve("img_000.png")).modcrop(2), 2);
        // LR 65x35, window 32 stride 32: x 0, 32, 33; y 0, 3
        assertEquals(6, r.subImages());
        assertEquals(full.crop(33, 3, 32, 32), ImageFiles.read(r.lrOutput().resolve("img_000_s006.png")));
    }

    @Test
    void imagesSmallerThanTheWindowGiveOneWholeSubImage() throws IOException {
        Path hr = TrainingFolders.hrOnly(dir.resolve("small"), 1, 50, 41);
        SubImageExtractor.Report r = SubImageExtractor.builder().setHrFolder(hr).setScale(4).build().extract();
        assertEquals(1, r.subImages());
        assertEquals(List.of(new MetaInfo.Entry("img_000_s001.png", 40, 48, 3)),
                MetaInfo.read(r.hrOutput().resolve(MetaInfo.FILE_NAME)).entries());
    }

    @Test
    void lrSizeMismatchAndMissingPartnerAreErrorsNamingTheFiles() throws IOException {
        TrainingFolders.div2k(dir, "train", 2, 96, 96, 4);
        Path hr = dir.resolve("DIV2K_train_HR");
        Path lr = dir.resolve("DIV2K_train_LR_bicubic/X4");
        ImageFiles.writePng(TrainingFolders.hr(3, 23, 24), lr.resolve("0002x4.png"), ImageFiles.IfExists.REPLACE);
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> SubImageExtractor.builder()
                .setHrFolder(hr).optLrFolder(lr).setScale(4).optCropSize(48).optStep(48).build().extract());
        assertTrue(e.getMessage().contains(lr.resolve("0002x4.png") + " is 23x24"), e.getMessage());
        assertFalse(SubImageExtractor.isComplete(dir.resolve("DIV2K_train_HR_sub")), "no meta file after a failure");
        Files.delete(lr.resolve("0002x4.png"));
        InvalidDataException missing = assertThrows(InvalidDataException.class, () -> SubImageExtractor.builder()
                .setHrFolder(hr).optLrFolder(lr).setScale(4).optCropSize(48).optStep(48).build().extract());
        assertTrue(missing.getMessage().contains("has no LR partner"), missing.getMessage());
    }

    @Test
    void hrSubImagesAreSharedBetweenScalesOnlyWhenTheWindowsCannotMove() throws IOException {
        Path hr = TrainingFolders.hrOnly(dir.resolve("imgs_HR"), 2, 96, 72);
        SubImageExtractor.Report x4 = SubImageExtractor.builder().setHrFolder(hr).setScale(4).optCropSize(48)
                .optStep(24).build().extract();
        assertFalse(x4.hrReused());
        SubImageExtractor.Report x2 = SubImageExtractor.builder().setHrFolder(hr).setScale(2).optCropSize(48)
                .optStep(24).build().extract();
        assertTrue(x2.hrReused());
        assertEquals(x4.subImages(), x2.subImages());
        assertEquals(dir.resolve("imgs_LR_bicubic/X2_sub"), x2.lrOutput());
        // other window settings than the existing HR sub-images: refused
        InvalidDataException settings = assertThrows(InvalidDataException.class, () -> SubImageExtractor.builder()
                .setHrFolder(hr).setScale(3).optCropSize(48).optStep(48).build().extract());
        assertTrue(settings.getMessage().contains("cannot share"), settings.getMessage());

        Path odd = TrainingFolders.hrOnly(dir.resolve("odd_HR"), 1, 98, 72);
        SubImageExtractor.builder().setHrFolder(odd).setScale(2).optCropSize(48).optStep(24).build().extract();
        InvalidDataException moved = assertThrows(InvalidDataException.class, () -> SubImageExtractor.builder()
                .setHrFolder(odd).setScale(4).optCropSize(48).optStep(24).build().extract());
        assertTrue(moved.getMessage().contains("cannot share"), moved.getMessage());
    }

    @Test
    void settingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> SubImageExtractor.builder().setHrFolder(dir).setScale(4)
                .optCropSize(50).build());
        assertThrows(IllegalArgumentException.class, () -> SubImageExtractor.builder().setHrFolder(dir).setScale(3)
                .optStep(100).optCropSize(99).build());
        assertThrows(IllegalArgumentException.class, () -> SubImageExtractor.builder().setScale(3).build());
    }
}
