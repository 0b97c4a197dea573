package org.dckd.data.synthetic;

import java.util.SplittableRandom;

import org.dckd.data.image.Image;

/**
 * Deterministic synthetic photographs for runs that must work with no files at all (the quickstart, smoke tests).
 *
 * <p>Each image is a smooth colour gradient overlaid with anti-aliased discs, rotated rectangles, oriented sinusoidal
 * gratings of several frequencies and a checkerboard patch: sharp edges, fine periodic texture and smooth regions, the
 * structures super-resolution has to restore. Rendering is 3x3 supersampled; values are quantised to whole numbers in
 * [0, 255] like a decoded 8-bit PNG. The same {@code (seed, index, width, height)} gives the same image on every
 * machine (pure Java arithmetic, no native code).
 */
public final class ProceduralImages {

    private static final int SUPERSAMPLE = 3;

    private ProceduralImages() {}

    /**
     * Renders one image.
     *
     * @param seed the set's seed
     * @param index the image's index in the set
     * @param width width in pixels (at least 8)
     * @param height height in pixels (at least 8)
     * @return the image, values in [0, 255], whole numbers
     */
    public static Image render(long seed, int index, int width, int height) {
        if (width < 8 || height < 8) {
            throw new IllegalArgumentException("procedural images need at least 8x8 pixels, got " + width + "x" + height);
        }
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        Scene scene = Scene.random(rnd, width, height);
        float[] chw = new float[3 * width * height];
        int plane = width * height;
        float[] rgb = new float[3];
        float inv = 1f / (SUPERSAMPLE * SUPERSAMPLE);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float r = 0;
                float g = 0;
                float b = 0;
                for (int sy = 0; sy < SUPERSAMPLE; sy++) {
                    for (int sx = 0; sx < SUPERSAMPLE; sx++) {
                        scene.shade(x + (sx + 0.5) / SUPERSAMPLE, y + (sy + 0.5) / SUPERSAMPLE, rgb);
                        r += rgb[0];
                        g += rgb[1];
                        b += rgb[2];
                    }
                }
                int i = y * width + x;
                chw[i] = quantize(r * inv);
                chw[plane + i] = quantize(g * inv);
                chw[2 * plane + i] = quantize(b * inv);
            }
        }
        return Image.of(width, height, chw);
    }

    private static float quantize(float v) {
        return (float) Math.floor(Math.min(255f, Math.max(0f, v)) + 0.5f);
    }

    /** The primitives of one image; all coordinates in pixels. */
    private record Scene(float[] base, float[] gradX, float[] gradY, Shape[] shapes, int width, int height) {

        static Scene random(SplittableRandom rnd, int width, int height) {
            float[] base = randomColor(rnd);
            float[] gx = new float[3];
            float[] gy = new float[3];
            for (int c = 0; c < 3; c++) {
                gx[c] = (float) (rnd.nextDouble(-120, 120) / width);
                gy[c] = (float) (rnd.nextDouble(-120, 120) / height);
            }
            int n = 6 + rnd.nextInt(6);
            Shape[] shapes = new Shape[n];
            for (int i = 0; i < n; i++) {
                shapes[i] = Shape.random(rnd, width, height);
            }
            return new Scene(base, gx, gy, shapes, width, height);
        }

        void shade(double x, double y, float[] out) {
            for (int c = 0; c < 3; c++) {
                out[c] = (float) (base[c] + gradX[c] * (x - width / 2.0) + gradY[c] * (y - height / 2.0));
            }
            for (Shape s : shapes) {
                s.paint(x, y, out);
            }
        }
    }

    /** A disc, a rotated rectangle, a grating inside a disc, or a checkerboard inside a rectangle. */
    private record Shape(int kind, double cx, double cy, double a, double b, double angle, double freq,
            float[] color, float[] color2) {

        static Shape random(SplittableRandom rnd, int w, int h) {
            int kind = rnd.nextInt(4);
            double size = Math.min(w, h);
            return new Shape(kind, rnd.nextDouble(0, w), rnd.nextDouble(0, h),
                    rnd.nextDouble(0.08, 0.35) * size, rnd.nextDouble(0.08, 0.35) * size,
                    rnd.nextDouble(0, Math.PI), rnd.nextDouble(0.08, 0.45), randomColor(rnd), randomColor(rnd));
        }

        void paint(double x, double y, float[] out) {
            double dx = x - cx;
            double dy = y - cy;
            double cos = Math.cos(angle);
            double sin = Math.sin(angle);
            double u = dx * cos + dy * sin;
            double v = -dx * sin + dy * cos;
            switch (kind) {
                case 0 -> {
                    if (dx * dx + dy * dy <= a * a) {
                        set(out, color);
                    }
                }
                case 1 -> {
                    if (Math.abs(u) <= a && Math.abs(v) <= b / 2) {
                        set(out, color);
                    }
                }
                case 2 -> {
                    if (dx * dx + dy * dy <= a * a) {
                        double t = 0.5 + 0.5 * Math.sin(2 * Math.PI * freq * u);
                        for (int c = 0; c < 3; c++) {
                            out[c] = (float) (color[c] * t + color2[c] * (1 - t));
                        }
                    }
                }
                default -> {
                    if (Math.abs(u) <= a && Math.abs(v) <= b) {
                        double cell = 2 + 6 * freq;
                        boolean odd = ((int) Math.floor(u / cell) + (int) Math.floor(v / cell)) % 2 != 0;
                        set(out, odd ? color : color2);
                    }
                }
            }
        }

        private static void set(float[] out, float[] c) {
            out[0] = c[0];
            out[1] = c[1];
            out[2] = c[2];
        }
    }

    private static float[] randomColor(SplittableRandom rnd) {
        return new float[] {(float) rnd.nextDouble(10, 245), (float) rnd.nextDouble(10, 245), (float) rnd.nextDouble(10, 245)};
    }
}
