package org.dckd.data.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.dckd.data.image.Image;
import org.junit.jupiter.api.Test;

class MetricsTest {

    private static Plane randomPlane(int w, int h, long seed) {
        Random r = new Random(seed);
        double[] v = new double[w * h];
        for (int i = 0; i < v.length; i++) {
            v[i] = 40 + 150 * r.nextDouble();
        }
        return Plane.of(w, h, v);
    }

    private static Image constant(int w, int h, float r, float g, float b) {
        float[] v = new float[3 * w * h];
        java.util.Arrays.fill(v, 0, w * h, r);
        java.util.Arrays.fill(v, w * h, 2 * w * h, g);
        java.util.Arrays.fill(v, 2 * w * h, 3 * w * h, b);
        return Image.of(w, h, v);
    }

    @Test
    void yChannelIsUnroundedBt601StudioSwing() {
        assertEquals(16.0, YChannel.of(constant(1, 1, 0, 0, 0)).get(0, 0), 1e-12);
        assertEquals(235.0, YChannel.of(constant(1, 1, 255, 255, 255)).get(0, 0), 1e-12);
        assertEquals(16 + 65.481, YChannel.of(constant(1, 1, 255, 0, 0)).get(0, 0), 1e-12);
        assertEquals(16 + (65.481 * 10 + 128.553 * 20 + 24.966 * 30) / 255,
                YChannel.of(constant(1, 1, 10, 20, 30)).get(0, 0), 1e-12);
    }

    @Test
    void psnrOfKnownErrorAndOfIdenticalPlanes() {
        Plane a = Plane.of(2, 2, new double[] {0, 0, 0, 0});
        Plane b = Plane.of(2, 2, new double[] {1, -1, 1, -1});
        assertEquals(1.0, Psnr.meanSquaredError(a, b));
        assertEquals(10 * Math.log10(255.0 * 255.0), Psnr.of(a, b), 1e-12);
        assertEquals(Double.POSITIVE_INFINITY, Psnr.of(b, b));
        assertEquals(0.0, Psnr.of(a, Plane.of(2, 2, new double[] {1, 1, 1, 1}), 1.0), 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Psnr.of(a, Plane.of(4, 1, new double[4])));
        assertTrue(e.getMessage().contains("2x2") && e.getMessage().contains("4x1"), e.getMessage());
    }

    @Test
    void ssimMatchesABruteForce2dWindow() {
        Plane a = randomPlane(23, 19, 1);
        double[] noisy = a.toArray();
        Random r = new Random(2);
        for (int i = 0; i < noisy.length; i++) {
            noisy[i] += 20 * r.nextGaussian();
        }
        Plane b = Plane.of(23, 19, noisy);
        double expected = bruteForceSsim(a, b);
        assertEquals(expected, Ssim.of(a, b), 1e-12);
        assertTrue(expected > 0.1 && expected < 0.99, "a non-trivial value: " + expected);
    }

    /** Straight from the definition: 2-D window as MATLAB fspecial, every valid position. */
    private static double bruteForceSsim(Plane a, Plane b) {
        double[][] win = new double[11][11];
        double sum = 0;
        for (int i = 0; i < 11; i++) {
            for (int j = 0; j < 11; j++) {
                win[i][j] = Math.exp(-((i - 5) * (i - 5) + (j - 5) * (j - 5)) / (2 * 1.5 * 1.5));
                sum += win[i][j];
            }
        }
        double c1 = Math.pow(0.01 * 255, 2);
        double c2 = Math.pow(0.03 * 255, 2);
        double total = 0;
        int n = 0;
        for (int y = 0; y + 11 <= a.height(); y++) {
            for (int x = 0; x + 11 <= a.width(); x++) {
                double m1 = 0;
                double m2 = 0;
                double e11 = 0;
                double e22 = 0;
                double e12 = 0;
                for (int i = 0; i < 11; i++) {
                    for (int j = 0; j < 11; j++) {
                        double w = win[i][j] / sum;
                        double p = a.get(y + i, x + j);
                        double q = b.get(y + i, x + j);
                        m1 += w * p;
                        m2 += w * q;
                        e11 += w * p * p;
                        e22 += w * q * q;
                        e12 += w * p * q;
                    }
                }
                total += ((2 * m1 * m2 + c1) * (2 * (e12 - m1 * m2) + c2))
                        / ((m1 * m1 + m2 * m2 + c1) * (e11 - m1 * m1 + e22 - m2 * m2 + c2));
                n++;
            }
        }
        return total / n;
    }

    @Test
    void ssimOfIdenticalAndOfConstantPlanes() {
        Plane a = randomPlane(15, 12, 3);
        assertEquals(1.0, Ssim.of(a, a), 1e-14);
        Plane c50 = Plane.of(11, 11, filled(121, 50));
        Plane c60 = Plane.of(11, 11, filled(121, 60));
        double c1 = Math.pow(0.01 * 255, 2);
        assertEquals((2 * 50 * 60 + c1) / (50 * 50 + 60 * 60 + c1), Ssim.of(c50, c60), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Ssim.of(Plane.of(10, 20, new double[200]),
                Plane.of(10, 20, new double[200])));
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void shaveRemovesTheBorder() {
        Plane p = Plane.of(5, 4, new double[] {0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 20, 21, 22, 23, 24, 30, 31, 32, 33,
            34});
        Plane s = p.shave(1);
        assertEquals(3, s.width());
        assertEquals(2, s.height());
        assertEquals(11.0, s.get(0, 0));
        assertEquals(23.0, s.get(1, 2));
        assertThrows(IllegalArgumentException.class, () -> p.shave(2));
    }

    @Test
    void evaluateQuantizesSrModcropsHrAndShavesScale() {
        Random r = new Random(4);
        int w = 30;
        int h = 27;
        float[] hv = new float[3 * w * h];
        for (int i = 0; i < hv.length; i++) {
            hv[i] = r.nextInt(256);
        }
        Image hr = Image.of(w, h, hv);
        Image target = hr.modcrop(4); // 28 x 24
        float[] sv = target.toChw();
        for (int i = 0; i < sv.length; i++) {
            sv[i] += (float) (r.nextGaussian() * 5) + 0.3f;
        }
        Image sr = Image.of(28, 24, sv);
        QualityScore expected = ImageQuality.compare(sr.quantized(), target, 4);
        QualityScore actual = ImageQuality.evaluate(sr, hr, 4);
        assertEquals(expected, actual);
        QualityScore unquantized = ImageQuality.compare(sr, target, 4);
        assertTrue(unquantized.psnr() != actual.psnr(), "quantization must matter for this input");

        // the same Y planes by hand
        Plane ys = YChannel.of(sr.quantized()).shave(4);
        Plane yh = YChannel.of(target).shave(4);
        assertEquals(20, ys.width());
        assertEquals(Psnr.of(ys, yh), actual.psnr(), 0.0);
        assertEquals(Ssim.of(ys, yh), actual.ssim(), 0.0);

        assertEquals(Double.POSITIVE_INFINITY, ImageQuality.evaluate(target, hr, 4).psnr());
        assertEquals(1.0, ImageQuality.evaluate(target, hr, 4).ssim(), 1e-14);
    }

    @Test
    void evaluateRejectsMismatchedSizesNamingBoth() {
        Image hr = constant(30, 27, 1, 2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageQuality.evaluate(constant(30, 27, 1, 2, 3), hr, 4));
        assertTrue(e.getMessage().contains("30x27") && e.getMessage().contains("28x24"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageQuality.compare(constant(5, 5, 0, 0, 0),
                constant(5, 6, 0, 0, 0), 0));
    }

    @Test
    void meanAveragesPerImageValues() {
        QualityScore m = QualityScore.mean(List.of(new QualityScore(30, 0.8), new QualityScore(20, 0.6)));
        assertEquals(25.0, m.psnr(), 1e-12);
        assertEquals(0.7, m.ssim(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> QualityScore.mean(List.of()));
    }
}
