package org.dckd.core.eval;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.dckd.data.benchmark.BenchmarkPair;
import org.dckd.data.benchmark.BenchmarkSample;
import org.dckd.data.benchmark.BenchmarkSet;
import org.dckd.data.image.Image;
import org.dckd.data.metrics.ImageQuality;
import org.dckd.data.metrics.QualityScore;
import org.dckd.data.resize.MatlabBicubic;

/**
 * Scores a network on LR/HR pairs with the published protocol: the SR output is clamped, scaled to 0..255 and
 * rounded; the HR is modcropped; PSNR and SSIM on the Y channel with {@code scale} pixels cropped at each border
 * (see {@link ImageQuality}). Each image runs in its own {@link NDManager} scope.
 */
public final class BenchmarkEvaluator {

    private BenchmarkEvaluator() {}

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
     * Scores every image of a benchmark set, reading one image pair at a time.
     *
     * @param resolver the network runner
     * @param set the benchmark set (its scale must be the network's)
     * @param manager the parent manager; each image uses a sub-manager
     * @param progress called after each image (may be a no-op)
     * @return the scores in name order
     * @throws IOException if an image cannot be read (the message names the file)
     */
    public static List<ImageScore> score(SuperResolver resolver, BenchmarkSet set, NDManager manager,
            Consumer<ImageScore> progress) throws IOException {
        if (set.scale() != resolver.network().scale()) {
            throw new IllegalArgumentException("benchmark set " + set + " is for scale " + set.scale()
                    + " but the network upscales x" + resolver.network().scale());
        }
        List<ImageScore> out = new ArrayList<>();
        for (BenchmarkPair pair : set) {
            out.add(score(resolver, pair.load(), manager, progress));
        }
        return out;
    }

    /**
     * Scores images held in memory.
     *
     * @param resolver the network runner
     * @param samples the images
     * @param manager the parent manager; each image uses a sub-manager
     * @param progress called after each image (may be a no-op)
     * @return the scores in input order
     */
    public static List<ImageScore> score(SuperResolver resolver, Iterable<BenchmarkSample> samples,
            NDManager manager, Consumer<ImageScore> progress) {
        List<ImageScore> out = new ArrayList<>();
        for (BenchmarkSample sample : samples) {
            out.add(score(resolver, sample, manager, progress));
        }
        return out;
    }

    /**
     * The bicubic baseline of a set: MATLAB {@code imresize(lr, s, 'bicubic')} of every LR image, scored with the same
     * protocol (the row every SR table starts with).
     *
     * @param set the benchmark set
     * @return the mean PSNR/SSIM over the images
     * @throws IOException if an image cannot be read (the message names the file)
     */
    public static QualityScore bicubic(BenchmarkSet set) throws IOException {
        List<QualityScore> scores = new ArrayList<>();
        for (ImageScore s : bicubicScores(set)) {
            scores.add(new QualityScore(s.psnr(), s.ssim()));
        }
        return QualityScore.mean(scores);
    }

    /**
     * The bicubic baseline of a set, image by image (see {@link #bicubic}).
     *
     * @param set the benchmark set
     * @return one score per image, in the set's order ({@code seconds}: the resize time)
     * @throws IOException if an image cannot be read (the message names the file)
     */
    public static List<ImageScore> bicubicScores(BenchmarkSet set) throws IOException {
        List<ImageScore> scores = new ArrayList<>();
        for (BenchmarkPair pair : set) {
            BenchmarkSample s = pair.load();
            long t0 = System.nanoTime();
            Image up = MatlabBicubic.resize(s.lr(), set.scale());
            double seconds = (System.nanoTime() - t0) / 1e9;
            QualityScore q = ImageQuality.evaluate(up, s.hr(), set.scale());
            scores.add(new ImageScore(s.name(), q.psnr(), q.ssim(), seconds));
        }
        return scores;
    }

    private static ImageScore score(SuperResolver resolver, BenchmarkSample sample, NDManager manager,
            Consumer<ImageScore> progress) {
        Image sr;
        long t0 = System.nanoTime();
        try (NDManager scope = manager.newSubManager()) {
            sr = upscale(resolver, sample.lr(), scope);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("image " + sample.name() + ": " + e.getMessage(), e);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        QualityScore q = ImageQuality.evaluate(sr, sample.hr(), resolver.network().scale());
        ImageScore score = new ImageScore(sample.name(), q.psnr(), q.ssim(), seconds);
        progress.accept(score);
        return score;
    }
}
