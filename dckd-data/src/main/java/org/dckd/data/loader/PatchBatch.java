package org.dckd.data.loader;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One batch of aligned training patches as plain heap arrays, ready to be copied into tensors:
 * {@link #lr()} is NCHW {@code N x 3 x P x P} and {@link #hr()} is {@code N x 3 x (P*s) x (P*s)}, RGB, values in
 * {@code [0, range]} ({@code range} 1 by default: 8-bit values divided by 255). The arrays belong to the batch's
 * receiver, who may reuse or modify them.
 *
 * <p>A trainer makes tensors with e.g. {@code manager.create(batch.lr(), new Shape(batch.lrShape()))}; no tensor
 * library is touched on the loader threads.
 */
public final class PatchBatch {

    private final int patchSize;
    private final int scale;
    private final float range;
    private final float[] lr;
    private final float[] hr;
    private final List<PatchSample> samples;
    private final LoaderPosition position;
    private final LoaderPosition next;

    /**
     * Creates a batch (normally done by the {@link PatchLoader}).
     *
     * @param patchSize the LR patch size P
     * @param scale the scale factor s
     * @param range the value of white
     * @param lr {@code N * 3 * P * P} values
     * @param hr {@code N * 3 * (P*s) * (P*s)} values
     * @param samples the N samples, in batch order
     * @param position the loader position of the first sample
     * @param next the loader position after this batch
     */
    public PatchBatch(int patchSize, int scale, float range, float[] lr, float[] hr, List<PatchSample> samples,
                      LoaderPosition position, LoaderPosition next) {
        this.patchSize = patchSize;
        this.scale = scale;
        this.range = range;
        this.lr = Objects.requireNonNull(lr, "lr");
        this.hr = Objects.requireNonNull(hr, "hr");
        this.samples = List.copyOf(samples);
        this.position = Objects.requireNonNull(position, "position");
        this.next = Objects.requireNonNull(next, "next");
        int n = this.samples.size();
        long lrPlane = (long) patchSize * patchSize;
        if (lr.length != 3 * n * lrPlane || hr.length != 3 * n * lrPlane * scale * scale) {
            throw new IllegalArgumentException("batch arrays of " + lr.length + " and " + hr.length
                    + " values do not hold " + n + " patches of " + patchSize + " (x" + scale + ")");
        }
    }

    /** @return the number of patches N */
    public int size() {
        return samples.size();
    }

    /** @return the LR patch size P */
    public int patchSize() {
        return patchSize;
    }

    /** @return the HR patch size {@code P * s} */
    public int hrPatchSize() {
        return patchSize * scale;
    }

    /** @return the scale factor */
    public int scale() {
        return scale;
    }

    /** @return the value white maps to (1 for [0, 1] data, 255 for [0, 255] data) */
    public float range() {
        return range;
    }

    /** @return the LR patches, NCHW (the batch's own array, not a copy) */
    public float[] lr() {
        return lr;
    }

    /** @return the HR patches, NCHW (the batch's own array, not a copy) */
    public float[] hr() {
        return hr;
    }

    /** @return {@code {N, 3, P, P}} */
    public long[] lrShape() {
        return new long[] {size(), 3, patchSize, patchSize};
    }

    /** @return {@code {N, 3, P*s, P*s}} */
    public long[] hrShape() {
        return new long[] {size(), 3, hrPatchSize(), hrPatchSize()};
    }

    /** @return where each patch came from, in batch order */
    public List<PatchSample> samples() {
        return samples;
    }

    /** @return the sample ids, in batch order */
    public List<String> ids() {
        List<String> out = new ArrayList<>(samples.size());
        for (PatchSample s : samples) {
            out.add(s.id());
        }
        return out;
    }

    /** @return the loader position of this batch's first sample */
    public LoaderPosition position() {
        return position;
    }

    /** @return the loader position after this batch: a loader started there produces the batch that follows */
    public LoaderPosition next() {
        return next;
    }

    /** @return e.g. {@code PatchBatch[16 x 48 -> 192, epoch 0, index 32]} */
    @Override
    public String toString() {
        return "PatchBatch[" + size() + " x " + patchSize + " -> " + hrPatchSize() + ", " + position + "]";
    }
}
