package org.dckd.backbones.rcan;

import java.util.Arrays;

import org.dckd.checkpoint.CheckpointException;
import org.dckd.checkpoint.KeyMapping;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.Tensor;

/**
 * The weights of the original RCAN release (Zhang et al., ECCV 2018: yulunzhang/RCAN, {@code RCAN_BIX2.pt} ..
 * {@code RCAN_BIX8.pt}, 10 groups x 20 blocks, the DCKD paper's RCAN teacher), whose code is built on EDSR-PyTorch and
 * names the tensors otherwise, in the layout of {@link Rcan} (BasicSR's):
 * <pre>
 * head.0.*                          -> conv_first.*
 * body.g.body.b.body.{0,2}.*        -> body.g.residual_group.b.rcab.{0,2}.*
 * body.g.body.b.body.3.conv_du.0.*  -> body.g.residual_group.b.rcab.3.attention.1.*   (.2 -> .3)
 * body.g.body.B.*  (after the RCABs) -> body.g.conv.*
 * body.G.*         (after the groups) -> conv_after_body.*
 * tail.0.i.*                        -> upsample.i.*
 * tail.1.*                          -> conv_last.*
 * sub_mean.*, add_mean.*            dropped (checked first)
 * </pre>
 * The two networks compute the same function: the original takes [0, 255] input and subtracts {@code 255 * mean} with
 * a fixed 1x1 convolution ({@code sub_mean}), which is BasicSR's {@code (x - mean) * 255} for [0, 1] input; its
 * output ({@code add_mean}) is 255 times BasicSR's. The released models' RCAB ignores {@code res_scale}, which is 1
 * in {@link RcanConfig#rcan}. {@link #toBasicSr} therefore only accepts mean shifts with unit weights and the DIV2K
 * mean at range 255, the released models' values.
 */
public final class RcanOriginalCheckpoints {

    /** The largest accepted deviation of a mean-shift value, in [0, 255] units. */
    private static final float MEAN_SHIFT_TOLERANCE = 1e-3f;

    private static final KeyMapping KEYS = KeyMapping.identity()
            .drop(k -> k.startsWith("sub_mean.") || k.startsWith("add_mean."))
            .renamePrefix("head.0.", "conv_first.")
            .replaceRegex("^body\\.(\\d+)\\.body\\.(\\d+)\\.body\\.3\\.conv_du\\.0\\.",
                    "body.$1.residual_group.$2.rcab.3.attention.1.")
            .replaceRegex("^body\\.(\\d+)\\.body\\.(\\d+)\\.body\\.3\\.conv_du\\.2\\.",
                    "body.$1.residual_group.$2.rcab.3.attention.3.")
            .replaceRegex("^body\\.(\\d+)\\.body\\.(\\d+)\\.body\\.([02])\\.", "body.$1.residual_group.$2.rcab.$3.")
            .replaceRegex("^body\\.(\\d+)\\.body\\.(\\d+)\\.(weight|bias)$", "body.$1.conv.$3")
            .replaceRegex("^body\\.(\\d+)\\.(weight|bias)$", "conv_after_body.$2")
            .renamePrefix("tail.0.", "upsample.")
            .renamePrefix("tail.1.", "conv_last.");

    private RcanOriginalCheckpoints() {}

    /**
     * The key renaming alone (the mean shifts are dropped unchecked); {@link #toBasicSr} is the checked conversion.
     *
     * @return the mapping from the original release's keys to {@link Rcan}'s
     */
    public static KeyMapping keyMapping() {
        return KEYS;
    }

    /**
     * Converts a state dict of the original release into {@link Rcan}'s layout, for
     * {@code WeightLoader.load(rcan, RcanOriginalCheckpoints.toBasicSr(Checkpoints.read(path)))}.
     *
     * @param original the state dict as read from an {@code RCAN_BIX*.pt} file
     * @return the renamed state dict without the mean shifts
     * @throws CheckpointException naming the file and the key if a mean shift is not the released models' (another
     *     mean, e.g. DIVFlickr2K's, or another {@code rgb_range}): the network would then compute something else
     */
    public static StateDict toBasicSr(StateDict original) {
        checkMeanShift(original, "sub_mean", -1);
        checkMeanShift(original, "add_mean", 1);
        return original.renameKeys(KEYS);
    }

    private static void checkMeanShift(StateDict sd, String name, int sign) {
        Tensor weight = sd.get(name + ".weight");
        Tensor bias = sd.get(name + ".bias");
        if (weight == null && bias == null) {
            return;
        }
        float[] expectedWeight = {1, 0, 0, 0, 1, 0, 0, 0, 1};
        float[] expectedBias = new float[3];
        for (int c = 0; c < 3; c++) {
            expectedBias[c] = sign * 255f * Rcan.RGB_MEAN[c];
        }
        check(sd, name + ".weight", weight, expectedWeight);
        check(sd, name + ".bias", bias, expectedBias);
    }

    private static void check(StateDict sd, String key, Tensor found, float[] expected) {
        float[] values = found == null ? null : found.toFloatArray();
        boolean ok = values != null && values.length == expected.length;
        for (int i = 0; ok && i < expected.length; i++) {
            ok = Math.abs(values[i] - expected[i]) <= MEAN_SHIFT_TOLERANCE;
        }
        if (!ok) {
            throw new CheckpointException(CheckpointException.Reason.STATE_DICT_MISMATCH, sd.source(), key + " is "
                    + (values == null ? "missing" : Arrays.toString(values)) + ", expected " + Arrays.toString(expected)
                    + " (RGB range 255, unit std, DIV2K mean " + Arrays.toString(Rcan.RGB_MEAN) + ", as in the "
                    + "released models); RCAN with another mean shift computes another function");
        }
    }
}
