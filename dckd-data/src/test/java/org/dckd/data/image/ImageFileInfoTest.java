package org.dckd.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFileInfoTest {

    @TempDir
    Path dir;

    private Path write(BufferedImage img, String name) throws IOException {
        Path p = dir.resolve(name);
        ImageIO.write(img, name.substring(name.lastIndexOf('.') + 1), p.toFile());
        return p;
    }

    @Test
    void headersTellSizeDepthAndConversions() throws IOException {
        ImageFileInfo rgb = ImageFiles.readInfo(write(new BufferedImage(7, 5, BufferedImage.TYPE_3BYTE_BGR), "a.png"));
        assertEquals(new ImageFileInfo("PNG", 7, 5, 8, false, false, false), rgb);
        assertTrue(rgb.isPlainRgb8());
        ImageFileInfo gray = ImageFiles.readInfo(write(new BufferedImage(3, 4, BufferedImage.TYPE_BYTE_GRAY), "g.png"));
        assertEquals(List.of("grayscale replicated to RGB"), gray.conversions());
        ImageFileInfo gray16 = ImageFiles.readInfo(write(new BufferedImage(3, 4, BufferedImage.TYPE_USHORT_GRAY),
                "g16.png"));
        assertEquals(List.of("grayscale replicated to RGB", "16-bit samples scaled to 0..255"), gray16.conversions());
        ImageFileInfo alpha = ImageFiles.readInfo(write(new BufferedImage(3, 4, BufferedImage.TYPE_INT_ARGB),
                "a4.png"));
        assertEquals(List.of("alpha channel dropped"), alpha.conversions());
        assertEquals(4, alpha.height());
        assertEquals("BMP", ImageFiles.readInfo(write(new BufferedImage(2, 2, BufferedImage.TYPE_3BYTE_BGR),
                "b.bmp")).format());
    }

    @Test
    void damagedHeadersAndNonImagesAreErrorsNamingTheFile() throws IOException {
        Path png = write(new BufferedImage(30, 30, BufferedImage.TYPE_3BYTE_BGR), "x.png");
        byte[] bytes = Files.readAllBytes(png);
        Path cut = Files.write(dir.resolve("cut.png"), Arrays.copyOf(bytes, 20));
        ImageReadException e = assertThrows(ImageReadException.class, () -> ImageFiles.readInfo(cut));
        assertEquals(ImageReadException.Reason.CORRUPT, e.reason());
        assertTrue(e.getMessage().contains(cut.toString()));
        Path text = Files.writeString(dir.resolve("t.png"), "hello");
        assertEquals(ImageReadException.Reason.UNSUPPORTED_FORMAT,
                assertThrows(ImageReadException.class, () -> ImageFiles.readInfo(text)).reason());
        assertEquals(ImageReadException.Reason.NOT_FOUND,
                assertThrows(ImageReadException.class, () -> ImageFiles.readInfo(dir.resolve("none.png"))).reason());
    }

    @Test
    void listsImageFilesSortedByName() throws IOException {
        write(new BufferedImage(2, 2, BufferedImage.TYPE_3BYTE_BGR), "img2.png");
        write(new BufferedImage(2, 2, BufferedImage.TYPE_3BYTE_BGR), "img10.png");
        Files.writeString(dir.resolve("notes.txt"), "x");
        Files.writeString(dir.resolve(".hidden.png"), "x");
        Files.createDirectories(dir.resolve("sub.png"));
        assertEquals(List.of(dir.resolve("img10.png"), dir.resolve("img2.png")), ImageFiles.listImages(dir));
    }
}
