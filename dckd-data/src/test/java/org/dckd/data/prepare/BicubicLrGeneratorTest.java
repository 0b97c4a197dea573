package org.dckd.data.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import org.dckd.data.image.ImageFiles;
import org.dckd.testing.SharedData;
import org.dckd.testing.TrainingFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BicubicLrGeneratorTest {

    @TempDir
    Path dir;

    @Test
    void reproducesTheShippedSet5AndSet14LrFilesBitForBit() throws IOException {
        for (String set : new String[] {"Set5", "Set14"}) {
            Path root = SharedData.require("data/benchmarks/" + set);
            for (int scale : new int[] {2, 3, 4}) {
                Path out = dir.resolve(set + "_x" + scale);
                BicubicLrGenerator.Report r = BicubicLrGenerator.builder().setHrFolder(root.resolve("HR"))
                        .setScale(scale).optOutput(out).optWorkers(2).build().generate();
                assertEquals(ImageFiles.listImages(root.resolve("HR")).size(), r.generated());
                for (Path shipped : ImageFiles.listImages(root.resolve("LR_bicubic/X" + scale))) {
                    assertEquals(ImageFiles.read(shipped), ImageFiles.read(out.resolve(shipped.getFileName())),
                            shipped.toString());
                }
            }
        }
    }

    @Test
    void defaultLrFolderFollowsTheUsualLayouts() {
        assertEquals(Path.of("/d/DIV2K_train_LR_bicubic/X4"),
                BicubicLrGenerator.defaultOutput(Path.of("/d/DIV2K_train_HR"), 4));
        assertEquals(Path.of("/d/Flickr2K_LR_bicubic/X2"),
                BicubicLrGenerator.defaultOutput(Path.of("/d/Flickr2K_HR"), 2));
        assertEquals(Path.of("/b/Set5/LR_bicubic/X3"), BicubicLrGenerator.defaultOutput(Path.of("/b/Set5/HR"), 3));
        assertEquals(Path.of("/t/CBSD68_LR_bicubic/X4"), BicubicLrGenerator.defaultOutput(Path.of("/t/CBSD68"), 4));
    }

    @Test
    void keepsUpToDateFilesAndRegeneratesStaleOnes() throws IOException {
        Path hr = TrainingFolders.hrOnly(dir.resolve("HR"), 3, 40, 36);
        BicubicLrGenerator.Builder b = BicubicLrGenerator.builder().setHrFolder(hr).setScale(4);
        assertEquals(new BicubicLrGenerator.Report(dir.resolve("LR_bicubic/X4"), 3, 0), b.build().generate());
        assertEquals(new BicubicLrGenerator.Report(dir.resolve("LR_bicubic/X4"), 0, 3), b.build().generate());
        Files.setLastModifiedTime(dir.resolve("LR_bicubic/X4/img_002x4.png"), FileTime.fromMillis(1000));
        assertEquals(1, b.build().generate().generated());
        assertEquals(3, b.optOverwrite(true).build().generate().generated());
    }

    @Test
    void unreadableAndTooSmallImagesAreErrorsNamingTheFile() throws IOException {
        Path hr = TrainingFolders.hrOnly(dir.resolve("HR"), 1, 40, 36);
        Files.write(hr.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        IOException e = assertThrows(IOException.class, () -> BicubicLrGenerator.builder().setHrFolder(hr)
                .setScale(4).build().generate());
        assertTrue(e.getMessage().contains(hr.resolve("broken.png").toString()), e.getMessage());
        Path tiny = Files.createDirectories(dir.resolve("tiny"));
        ImageFiles.writePng(TrainingFolders.hr(1, 8, 8).crop(0, 0, 3, 8), tiny.resolve("t.png"),
                ImageFiles.IfExists.FAIL);
        InvalidDataException small = assertThrows(InvalidDataException.class, () -> BicubicLrGenerator.builder()
                .setHrFolder(tiny).setScale(4).build().generate());
        assertTrue(small.getMessage().contains("smaller than the scale 4"), small.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BicubicLrGenerator.builder().setHrFolder(hr).setScale(4)
                .optPattern(new FileNamePattern("{name}.jpg")).build());
    }
}
