package org.dckd.core.train;

import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;

import org.dckd.data.image.Image;
import org.dckd.data.resize.MatlabBicubic;
import org.dckd.data.synthetic.ProceduralImages;

/**
 * Training batches cut from built-in procedural images (see {@link ProceduralImages}), for runs that need no files:
 * the quickstart, smoke tests, CI. A pool of images is rendered once; batch {@code b}, sample {@code i} takes a random
 * aligned crop (HR {@code patch * scale}, LR made from it with MATLAB-exact bicubic) with random flips and
 * 90-degree rotation, all drawn from {@code (seed, b, i)}. The position is the next batch index, so resuming is exact.
 */
public final class ProceduralBatches implements TrainingBatches {

    private final Image[] pool;
    private final int scale;
    private final int patch;
    private final int batchSize;
    private final long seed;
    private long next;

    /**
     * Creates the source.
     *
     * @param images how many images to render (e.g. 32)
     * @param size their side in pixels (at least {@code patch * scale})
     * @param scale the upscaling factor
     * @param patch the LR patch side
     * @param batchSize samples per batch
     * @param seed the seed of images and crops
     * @param start the index of the first batch (0, or a resumed position)
     */
    public ProceduralBatches(int images, int size, int scale, int patch, int batchSize, long seed, long start) {
        if (size < patch * scale) {
            throw new IllegalArgumentException("procedural images of " + size + " px are smaller than an HR patch of "
                    + patch * scale + " px");
        }
        this.pool = new Image[images];
        for (int i = 0; i < images; i++) {
            pool[i] = ProceduralImages.render(seed, 1000 + i, size, size);
        }
        this.scale = scale;
        this.patch = patch;
        this.batchSize = batchSize;
        this.seed = seed;
        this.next = start;
    }

    @Override
    public Batch next() {
        long b = next++;
        int hp = patch * scale;
        float[] lr = new float[batchSize * 3 * patch * patch];
        float[] hr = new float[batchSize * 3 * hp * hp];
        for (int i = 0; i < batchSize; i++) {
            SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ (b * 1_000_003L + i));
            Image img = pool[r.nextInt(pool.length)];
            int x = r.nextInt(img.width() - hp + 1);
            int y = r.nextInt(img.height() - hp + 1);
            Image h = augment(img.crop(x, y, hp, hp), r.nextBoolean(), r.nextBoolean(), r.nextBoolean());
            Image l = MatlabBicubic.downscale(h, scale);
            h.copyChwTo(hr, i * 3 * hp * hp, 1f);
            l.copyChwTo(lr, i * 3 * patch * patch, 1f);
        }
        return new Batch(lr, hr, batchSize, patch, patch, hp, hp);
    }

    private static Image augment(Image img, boolean hflip, boolean vflip, boolean transpose) {
        int w = img.width();
        int h = img.height();
        float[] src = img.toChw();
        float[] dst = new float[src.length];
        int ow = transpose ? h : w;
        int oh = transpose ? w : h;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int sx = hflip ? w - 1 - x : x;
                    int sy = vflip ? h - 1 - y : y;
                    int ox = transpose ? y : x;
                    int oy = transpose ? x : y;
                    dst[(c * oh + oy) * ow + ox] = src[(c * h + sy) * w + sx];
                }
            }
        }
        return Image.of(ow, oh, dst);
    }

    @Override
    public JsonNode position() {
        return LongNode.valueOf(next);
    }

    @Override
    public void close() {}
}
