package org.dckd.core.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.dckd.data.image.Image;
import org.dckd.data.metrics.ImageQuality;
import org.dckd.data.metrics.QualityScore;

/**
 * Scores a network on LR/HR pairs with the published protocol: the SR output is clamped, scaled to 0..255 and
 * rounded; the HR is modcropped; PSNR and SSIM on the Y channel with {@code scale} pixels cropped at each border
 * (see {@link ImageQuality}). Each image runs in its own {@link NDManager} scope.
 */
public final class BenchmarkEvaluator {

    private BenchmarkEvaluator() {}

    /**
     * One LR/HR pair to score.
     *
     * @param name the image name
     * @param lr the low-resolution input, values 0..255
     * @param hr the ground truth, values 0..255 (modcropped by the protocol)
     */
    public record Pair(String name, Image lr, Image hr) {}

    /**
     * Upscales one image.
     *
     * @param resolver the network runner
     * @param lr the input, values 0..255
     * @param manager a manager for temporary arrays (closed by the caller)
     * @return the output image, values on the 0..255 scale, unclamped
     */
    public static Image upscale(SuperResolver resolver, Image lr, NDManager manager) {
        NDArray in = manager.create(lr.toChw(1f), new Shape(1, 3, lr.height(), lr.width()));
        NDArray out = resolver.upscale(in);
        int s = resolver.network().scale();
        return Image.fromChw(lr.width() * s, lr.height() * s, out.toFloatArray(), 0, 1f);
    }

    /**
     * Scores every pair.
     *
     * @param resolver the network runner
     * @param pairs the images
     * @param manager the parent manager; each image uses a sub-manager
     * @param progress called after each image (may be a no-op)
     * @return the scores in input order
     */
    public static List<ImageScore> score(SuperResolver resolver, Iterable<Pair> pairs, NDManager manager,
            Consumer<ImageScore> progress) {
        int scale = resolver.network().scale();
        List<ImageScore> out = new ArrayList<>();
        for (Pair p : pairs) {
            Image sr;
            long t0 = System.nanoTime();
            try (NDManager scope = manager.newSubManager()) {
                sr = upscale(resolver, p.lr(), scope);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            QualityScore q = ImageQuality.evaluate(sr, p.hr(), scale);
            ImageScore score = new ImageScore(p.name(), q.psnr(), q.ssim(), seconds);
            out.add(score);
            progress.accept(score);
        }
        return out;
    }
}
