package org.dckd.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.dckd.testing.Bytes;
import org.dckd.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFilesTest {

    @TempDir
    Path dir;

    private Path writeWithImageIo(BufferedImage img, String format, String name) throws IOException {
        Path file = dir.resolve(name);
        assertTrue(ImageIO.write(img, format, file.toFile()), "ImageIO has a " + format + " writer for this type");
        return file;
    }

    private static BufferedImage noise(int w, int h, long seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        return img;
    }

    @Test
    void readsRgbPngExactly() throws IOException {
        BufferedImage src = noise(13, 7, 1);
        Image img = ImageFiles.read(writeWithImageIo(src, "png", "rgb.png"));
        assertEquals(13, img.width());
        assertEquals(7, img.height());
        for (int y = 0; y < 7; y++) {
            for (int x = 0; x < 13; x++) {
                int rgb = src.getRGB(x, y);
                assertEquals((rgb >> 16) & 0xff, img.get(0, y, x));
                assertEquals((rgb >> 8) & 0xff, img.get(1, y, x));
                assertEquals(rgb & 0xff, img.get(2, y, x));
            }
        }
    }

    @Test
    void grayPngValuesComeThroughExactlyAndAreReplicated() throws IOException {
        // BufferedImage.getRGB would gamma-convert linear gray; the raster must be read instead
        BufferedImage gray = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = gray.getRaster();
        for (int i = 0; i < 256; i++) {
            r.setSample(i % 16, i / 16, 0, i);
        }
        Image img = ImageFiles.read(writeWithImageIo(gray, "png", "gray.png"));
        for (int i = 0; i < 256; i++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(i, img.get(c, i / 16, i % 16), "value " + i + " channel " + c);
            }
        }
    }

    @Test
    void sixteenBitGrayIsScaledWithoutRounding() throws IOException {
        BufferedImage gray = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
        int[] v = {0, 1000, 257 * 100, 65535};
        for (int x = 0; x < 4; x++) {
            gray.getRaster().setSample(x, 0, 0, v[x]);
        }
        Image img = ImageFiles.read(writeWithImageIo(gray, "png", "gray16.png"));
        for (int x = 0; x < 4; x++) {
            float expected = (float) (v[x] * 255.0 / 65535.0);
            for (int c = 0; c < 3; c++) {
                assertEquals(expected, img.get(c, 0, x), 0f, "x=" + x);
            }
        }
        assertEquals(100f, img.get(0, 0, 2), 0f);
        assertEquals(1000 * 255.0 / 65535, img.get(1, 0, 1), 1e-4);
    }

    @Test
    void sixteenBitRgbIsScaled() throws IOException {
        ColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), new int[] {16, 16, 16},
                false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
        raster.setPixel(0, 0, new int[] {65535, 0, 32768});
        raster.setPixel(1, 0, new int[] {257, 514, 771});
        Image img = ImageFiles.read(writeWithImageIo(new BufferedImage(cm, raster, false, null), "png", "rgb16.png"));
        assertEquals(255f, img.get(0, 0, 0));
        assertEquals(0f, img.get(1, 0, 0));
        assertEquals((float) (32768 * 255.0 / 65535), img.get(2, 0, 0));
        assertArrayEquals(new float[] {1, 2, 3}, new float[] {img.get(0, 0, 1), img.get(1, 0, 1), img.get(2, 0, 1)});
    }

    @Test
    void alphaIsDroppedKeepingStoredColours() throws IOException {
        BufferedImage rgba = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, 0x00_10_20_30); // fully transparent: colour must survive, not become black or white
        rgba.setRGB(1, 0, 0x80_C8_64_32);
        Path file = writeWithImageIo(rgba, "png", "rgba.png");
        Image img = ImageFiles.read(file);
        assertArrayEquals(new float[] {0x10, 0xC8, 0x20, 0x64, 0x30, 0x32}, img.toChw());
    }

    @Test
    void paletteImagesAreExpanded() throws IOException {
        byte[] r = {0, (byte) 255, 10, 77};
        byte[] g = {0, 0, (byte) 200, 88};
        byte[] b = {0, 0, 30, 99};
        IndexColorModel cm = new IndexColorModel(2, 4, r, g, b);
        BufferedImage pal = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_BINARY, cm);
        for (int x = 0; x < 4; x++) {
            pal.getRaster().setSample(x, 0, 0, 3 - x);
        }
        Image img = ImageFiles.read(writeWithImageIo(pal, "png", "palette.png"));
        assertArrayEquals(new float[] {77, 10, 255, 0, 88, 200, 0, 0, 99, 30, 0, 0}, img.toChw());
        // the same through GIF (always palette)
        Image gif = ImageFiles.read(writeWithImageIo(pal, "gif", "palette.gif"));
        assertEquals(img, gif);
    }

    @Test
    void readsBmpExactlyAndJpegApproximately() throws IOException {
        BufferedImage src = noise(9, 5, 2);
        BufferedImage bgr = new BufferedImage(9, 5, BufferedImage.TYPE_3BYTE_BGR);
        bgr.getGraphics().drawImage(src, 0, 0, null);
        Image png = ImageFiles.read(writeWithImageIo(bgr, "png", "a.png"));
        assertEquals(png, ImageFiles.read(writeWithImageIo(bgr, "bmp", "a.bmp")));

        BufferedImage flat = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
        java.awt.Graphics2D gr = flat.createGraphics();
        gr.setColor(new java.awt.Color(200, 100, 50));
        gr.fillRect(0, 0, 16, 16);
        gr.dispose();
        Image jpeg = ImageFiles.read(writeWithImageIo(flat, "jpg", "flat.jpg"));
        assertEquals(16, jpeg.width());
        assertEquals(200, jpeg.get(0, 8, 8), 3);
        assertEquals(100, jpeg.get(1, 8, 8), 3);
        assertEquals(50, jpeg.get(2, 8, 8), 3);
    }

    @Test
    void truncatedPngIsCorrupt() throws IOException {
        Path file = writeWithImageIo(noise(64, 64, 3), "png", "whole.png");
        byte[] bytes = Files.readAllBytes(file);
        Path cut = dir.resolve("truncated.png");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        ImageReadException e = assertThrows(ImageReadException.class, () -> ImageFiles.read(cut));
        assertEquals(ImageReadException.Reason.CORRUPT, e.reason());
        assertEquals(cut, e.file());
        assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());
        // cut inside the header too
        Path header = dir.resolve("header.png");
        Files.write(header, Arrays.copyOf(bytes, 20));
        assertEquals(ImageReadException.Reason.CORRUPT,
                assertThrows(ImageReadException.class, () -> ImageFiles.read(header)).reason());
    }

    @Test
    void aPngWithADamagedChunkIsCorruptNotSilentlyDecoded() throws IOException {
        Path file = writeWithImageIo(noise(64, 64, 3), "png", "good.png");
        byte[] bytes = Files.readAllBytes(file);
        // the first IDAT chunk: flip one bit of its compressed data; the CRC no longer matches
        int idat = Bytes.indexOf(bytes, "IDAT".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        byte[] damaged = bytes.clone();
        damaged[idat + 4 + 10] ^= 0x01;
        Path bad = dir.resolve("bitflip.png");
        Files.write(bad, damaged);
        ImageReadException e = assertThrows(ImageReadException.class, () -> ImageFiles.read(bad));
        assertEquals(ImageReadException.Reason.CORRUPT, e.reason());
        assertTrue(e.getMessage().contains("bitflip.png") && e.getMessage().contains("chunk IDAT at byte " + (idat - 4))
                && e.getMessage().contains("CRC"), e.getMessage());
        // a chunk length that points past the end of the file
        byte[] longer = bytes.clone();
        longer[idat - 4] = 0x7f;
        Path lie = dir.resolve("length.png");
        Files.write(lie, longer);
        ImageReadException l = assertThrows(ImageReadException.class, () -> ImageFiles.read(lie));
        assertTrue(l.getMessage().contains("beyond the end"), l.getMessage());
        // the undamaged file still reads
        assertEquals(64, ImageFiles.read(file).width());
    }

    @Test
    void truncatedJpegIsCorruptNotGrayFilled() throws IOException {
        Path file = writeWithImageIo(noise(64, 64, 4), "jpg", "whole.jpg");
        byte[] bytes = Files.readAllBytes(file);
        Path cut = dir.resolve("truncated.jpg");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length * 2 / 3));
        ImageReadException e = assertThrows(ImageReadException.class, () -> ImageFiles.read(cut));
        assertEquals(ImageReadException.Reason.CORRUPT, e.reason());
        assertTrue(e.getMessage().contains("truncated.jpg"), e.getMessage());
    }

    @Test
    void randomBytesAndEmptyFilesAreUnsupportedFormats() throws IOException {
        Path random = dir.resolve("random.png");
        byte[] junk = new byte[1000];
        new Random(5).nextBytes(junk);
        junk[0] = 1; // not accidentally a format signature
        Files.write(random, junk);
        ImageReadException e = assertThrows(ImageReadException.class, () -> ImageFiles.read(random));
        assertEquals(ImageReadException.Reason.UNSUPPORTED_FORMAT, e.reason());
        assertTrue(e.getMessage().contains("random.png"), e.getMessage());

        Path empty = Files.createFile(dir.resolve("empty.png"));
        assertEquals(ImageReadException.Reason.UNSUPPORTED_FORMAT,
                assertThrows(ImageReadException.class, () -> ImageFiles.read(empty)).reason());
    }

    @Test
    void missingFileAndFolderAreNotFound() {
        Path missing = dir.resolve("nope.png");
        ImageReadException e = assertThrows(ImageReadException.class, () -> ImageFiles.read(missing));
        assertEquals(ImageReadException.Reason.NOT_FOUND, e.reason());
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"),
                e.getMessage());
        assertEquals(ImageReadException.Reason.NOT_FOUND,
                assertThrows(ImageReadException.class, () -> ImageFiles.read(dir)).reason());
    }

    @Test
    void writePngRoundTripsQuantizedValues() throws IOException {
        float[] v = new float[3 * 5 * 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 37) % 256;
        }
        Image img = Image.of(5, 4, v);
        Path file = dir.resolve("out.png");
        ImageFiles.writePng(img, file, ImageFiles.IfExists.FAIL);
        assertEquals(img, ImageFiles.read(file));
        assertEquals(BufferedImage.TYPE_3BYTE_BGR, ImageIO.read(file.toFile()).getType(), "8-bit RGB PNG");

        Image raw = Image.of(2, 1, new float[] {-5f, 300f, 10.5f, 10.49f, 254.6f, 0.5f});
        ImageFiles.writePng(raw, file, ImageFiles.IfExists.REPLACE);
        assertArrayEquals(new float[] {0, 255, 11, 10, 255, 1}, ImageFiles.read(file).toChw());
        assertNoTemporaryFiles();
    }

    @Test
    void writePngNeverOverwritesWhenToldNotTo() throws IOException {
        Path file = dir.resolve("keep.png");
        Image first = Image.fromGray(2, 2, new float[] {1, 2, 3, 4});
        ImageFiles.writePng(first, file, ImageFiles.IfExists.FAIL);
        byte[] before = Files.readAllBytes(file);
        Image second = Image.fromGray(2, 2, new float[] {9, 9, 9, 9});
        assertThrows(FileAlreadyExistsException.class, () -> ImageFiles.writePng(second, file,
                ImageFiles.IfExists.FAIL));
        assertArrayEquals(before, Files.readAllBytes(file));
        assertNoTemporaryFiles();

        ImageFiles.writePng(second, file, ImageFiles.IfExists.REPLACE);
        assertEquals(second, ImageFiles.read(file));
        assertThrows(NoSuchFileException.class, () -> ImageFiles.writePng(first, dir.resolve("no/such/dir.png"),
                ImageFiles.IfExists.REPLACE));
        assertNoTemporaryFiles();
    }

    private void assertNoTemporaryFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary file left");
        }
    }

    @Test
    void recognisesImageFileNames() {
        assertTrue(ImageFiles.isImageFile(Path.of("a/b/x.PNG")));
        assertTrue(ImageFiles.isImageFile(Path.of("x.jpeg")));
        assertFalse(ImageFiles.isImageFile(Path.of("x.txt")));
        assertFalse(ImageFiles.isImageFile(Path.of(".png")));
        assertFalse(ImageFiles.isImageFile(Path.of("DIV2K_train_HR/._0001.png")), "macOS metadata file");
        assertFalse(ImageFiles.isImageFile(Path.of(".hidden.jpg")));
        assertFalse(ImageFiles.isImageFile(Path.of("png")));
    }

    @Test
    void set14BridgeIsGrayscaleReplicated() throws IOException {
        Image bridge = ImageFiles.read(SharedData.require("data/benchmarks/Set14/HR/bridge.png"));
        assertEquals(512, bridge.width());
        float[] v = bridge.toChw();
        int plane = 512 * 512;
        assertArrayEquals(Arrays.copyOfRange(v, 0, plane), Arrays.copyOfRange(v, plane, 2 * plane));
        assertArrayEquals(Arrays.copyOfRange(v, 0, plane), Arrays.copyOfRange(v, 2 * plane, 3 * plane));
        assertTrue(bridge.isQuantized());
    }
}
