package org.dckd.losses.baselines;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;

import org.dckd.losses.LossContext;
import org.dckd.losses.pixel.PixelDistance;
import org.dckd.losses.WeightedTerm;

/**
 * DUKD zoom-in (data upcycling, Zhang et al.; {@code DUKD.optimize_parameters}): the HR patch of scale {@code s} is a
 * grid of {@code s x s} LR-sized tiles; {@code tiles} of them (distinct grid cells, the same cells for the whole
 * batch, default 1 as the official {@code n_gt_sub}) are fed to the teacher and to the student as extra inputs, and
 * {@code L1(S(tile), T(tile))} pulls the student towards the teacher on these in-distribution "upcycled" inputs.
 * Gradients reach the student through {@link LossContext#student()}.
 *
 * <p>Unlike the official code, which takes a second optimizer step for the upcycled terms, the term is part of the one
 * weighted sum of the step.
 */
public final class DukdZoomInTerm extends WeightedTerm {

    /**
     * A grid cell of the HR patch, in units of the LR size.
     *
     * @param row the tile row, {@code 0 .. s-1}
     * @param column the tile column, {@code 0 .. s-1}
     */
    public record Tile(int row, int column) {}

    /** Chooses the tiles of a step. */
    @FunctionalInterface
    public interface Sampler {
        /**
         * The tiles of one step.
         *
         * @param scale the scale {@code s} (the grid is {@code s x s})
         * @param count how many distinct tiles
         * @param seed the step's {@link LossContext#sampleSeed()}
         * @return {@code count} distinct tiles
         */
        List<Tile> draw(int scale, int count, long seed);
    }

    private static final long SALT = 0x5a4f4f4d494eL; // "ZOOMIN"

    private final int tiles;
    private final Sampler sampler;

    /**
     * Creates the term with random tiles drawn from the step seed.
     *
     * @param name the logged name
     * @param weight the weight
     * @param reduction mean or sum of the L1 distance
     * @param tiles tiles per step (at least 1, at most {@code scale^2})
     */
    public DukdZoomInTerm(String name, float weight, Reduction reduction, int tiles) {
        this(name, weight, reduction, tiles, DukdZoomInTerm::randomTiles);
    }

    /**
     * Creates the term with an explicit tile sampler (tests).
     *
     * @param name the logged name
     * @param weight the weight
     * @param reduction mean or sum
     * @param tiles tiles per step
     * @param sampler chooses the tiles
     */
    public DukdZoomInTerm(String name, float weight, Reduction reduction, int tiles, Sampler sampler) {
        super(name, weight, reduction);
        if (tiles < 1) {
            throw new IllegalArgumentException("dukd_zoom_in: tiles must be at least 1, got " + tiles);
        }
        this.tiles = tiles;
        this.sampler = Objects.requireNonNull(sampler, "sampler");
    }

    /** Distinct random grid cells: the first {@code count} of a random permutation of the {@code s x s} grid. */
    static List<Tile> randomTiles(int scale, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ SALT);
        int cells = scale * scale;
        int[] order = new int[cells];
        for (int i = 0; i < cells; i++) {
            order[i] = i;
        }
        List<Tile> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(cells - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
            out.add(new Tile(order[i] / scale, order[i] % scale));
        }
        return out;
    }

    /** Tiles per step. */
    public int tiles() {
        return tiles;
    }

    @Override
    public Set<Requirement> requirements() {
        return EnumSet.of(Requirement.STUDENT_OUTPUT, Requirement.HR, Requirement.NETWORKS);
    }

    @Override
    public boolean needsTeacher() {
        return true;
    }

    @Override
    public NDArray compute(LossContext context) {
        UnaryOperator<NDArray> teacher = context.requireTeacher(name());
        UnaryOperator<NDArray> student = context.requireStudent(name());
        NDArray lr = context.lr();
        NDArray hr = context.hr();
        long h = lr.getShape().get(2);
        long w = lr.getShape().get(3);
        long hh = hr.getShape().get(2);
        long hw = hr.getShape().get(3);
        if (hh % h != 0 || hw % w != 0 || hh / h != hw / w) {
            throw new IllegalArgumentException("loss term '" + name() + "' (dukd_zoom_in): HR " + hh + "x" + hw
                    + " is not an integer multiple of LR " + h + "x" + w);
        }
        int scale = Math.toIntExact(hh / h);
        if (tiles > scale * scale) {
            throw new IllegalArgumentException("loss term '" + name() + "' (dukd_zoom_in): tiles " + tiles
                    + " exceeds the " + scale + "x" + scale + " grid of LR-sized tiles of an x" + scale + " HR patch");
        }
        List<Tile> chosen = sampler.draw(scale, tiles, context.sampleSeed());
        NDList crops = new NDList();
        for (Tile t : chosen) {
            if (t.row() < 0 || t.row() >= scale || t.column() < 0 || t.column() >= scale) {
                throw new IllegalStateException("loss term '" + name() + "': tile " + t + " outside the " + scale + "x"
                        + scale + " grid");
            }
            crops.add(hr.get(new NDIndex(":, :, {}:{}, {}:{}", t.row() * h, (t.row() + 1) * h,
                    t.column() * w, (t.column() + 1) * w)));
        }
        NDArray input = crops.size() == 1 ? crops.get(0) : NDArrays.concat(crops, 0);
        NDArray target = teacher.apply(input).stopGradient();
        NDArray out = student.apply(input);
        return PixelDistance.l1().compute(out, target, reduction());
    }

    @Override
    public String toString() {
        return name() + " = dukd_zoom_in(tiles " + tiles + ", " + reduction().configName() + "), weight " + weight();
    }

    /**
     * Starts building this term from Java: the same values and defaults as its YAML keys ({@link DukdZoomInConfig}).
     *
     * @return a builder; {@code build()} gives the term, {@code config()} the config record
     */
    public static DukdZoomInConfig.Builder builder() {
        return new DukdZoomInConfig.Builder();
    }
}
