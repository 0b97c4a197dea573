package org.dckd.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ImageTest {

    /** A 3-channel image whose value at (c, y, x) is 100c + 10y + x. */
    static Image ramp(int width, int height) {
        float[] v = new float[3 * width * height];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    v[(c * height + y) * width + x] = 100 * c + 10 * y + x;
                }
            }
        }
        return Image.of(width, height, v);
    }

    @Test
    void storesPlanarChwAndCopiesInput() {
        float[] v = new float[3 * 2 * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        Image img = Image.of(3, 2, v);
        v[0] = 99;
        assertEquals(3, img.width());
        assertEquals(2, img.height());
        assertEquals(3, img.channels());
        assertEquals(0f, img.get(0, 0, 0));
        assertEquals(5f, img.get(0, 1, 2));
        assertEquals(6f, img.get(1, 0, 0));
        assertEquals(17f, img.get(2, 1, 2));
        float[] copy = img.toChw();
        copy[1] = -1;
        assertEquals(1f, img.get(0, 0, 1), "toChw returns a copy");
        assertThrows(IndexOutOfBoundsException.class, () -> img.get(3, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Image.of(3, 2, new float[17]));
        assertThrows(IllegalArgumentException.class, () -> Image.of(0, 2, new float[0]));
    }

    @Test
    void quantizedClampsAndRoundsHalfUp() {
        float[] v = {-3f, 0.5f, 1.4999999f, 254.5f, 300f, 127.5f, 2.5f, 0.49999997f, 3.2f};
        Image q = Image.of(3, 1, v).quantized();
        assertArrayEquals(new float[] {0, 1, 1, 255, 255, 128, 3, 0, 3}, q.toChw());
        assertTrue(q.isQuantized());
        assertFalse(Image.of(3, 1, v).isQuantized());
        assertSame(q, q.quantized(), "already quantized images are returned as they are");
        float[] nan = new float[9];
        nan[7] = Float.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Image.of(3, 1, nan).quantized());
        assertTrue(e.getMessage().contains("channel 2, row 0, column 1"), e.getMessage());
    }

    @Test
    void scaledChwConversionsRoundTrip() {
        Image img = ramp(4, 3);
        float[] unit = img.toChw(1f);
        assertEquals(img.get(2, 2, 3) / 255f, unit[(2 * 3 + 2) * 4 + 3], 1e-7);
        Image back = Image.fromChw(4, 3, unit, 0, 1f);
        for (int i = 0; i < unit.length; i++) {
            assertEquals(img.toChw()[i], back.toChw()[i], 1e-4);
        }
        // sample 1 of an NCHW batch of two
        float[] batch = new float[2 * img.size()];
        img.copyChwTo(batch, img.size(), 255f);
        assertEquals(0f, batch[0]);
        assertEquals(img, Image.fromChw(4, 3, batch, img.size(), 255f));
        assertThrows(IllegalArgumentException.class, () -> img.copyChwTo(batch, img.size() + 1, 1f));
        assertThrows(IllegalArgumentException.class, () -> Image.fromChw(4, 3, batch, 1 + img.size(), 1f));
        assertThrows(IllegalArgumentException.class, () -> img.toChw(0f));
        float[] plane = new float[12];
        img.copyChannelTo(1, plane, 0);
        assertEquals(123f, plane[11]);
    }

    @Test
    void cropAndModcropKeepTheTopLeft() {
        Image img = ramp(7, 6);
        Image c = img.crop(2, 1, 3, 4);
        assertEquals(3, c.width());
        assertEquals(4, c.height());
        assertEquals(12f, c.get(0, 0, 0));
        assertEquals(244f, c.get(2, 3, 2));
        assertSame(img, img.crop(0, 0, 7, 6));
        assertThrows(IllegalArgumentException.class, () -> img.crop(5, 0, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> img.crop(0, 0, 0, 1));

        Image m = img.modcrop(4);
        assertEquals(4, m.width());
        assertEquals(4, m.height());
        assertEquals(img.crop(0, 0, 4, 4), m);
        Image m3 = img.modcrop(3);
        assertEquals(6, m3.width());
        assertEquals(6, m3.height());
        assertSame(img.modcrop(1), img);
        assertThrows(IllegalArgumentException.class, () -> img.modcrop(8));
        assertThrows(IllegalArgumentException.class, () -> img.modcrop(0));
    }

    @Test
    void grayIsReplicatedAndEqualityIsByValue() {
        Image g = Image.fromGray(2, 1, new float[] {7f, 9f});
        assertArrayEquals(new float[] {7, 9, 7, 9, 7, 9}, g.toChw());
        assertEquals(g, Image.of(2, 1, new float[] {7, 9, 7, 9, 7, 9}));
        assertEquals(g.hashCode(), Image.of(2, 1, new float[] {7, 9, 7, 9, 7, 9}).hashCode());
        assertNotEquals(g, Image.of(1, 2, new float[] {7, 9, 7, 9, 7, 9}));
        assertEquals("Image[3x1x2]", g.toString());
    }
}
