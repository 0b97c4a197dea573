package org.dckd.backbones.lipt;

import java.util.LinkedHashMap;
import java.util.Map;

import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.Tensor;
import org.dckd.nn.reparam.BatchNormStatistics;
import org.dckd.nn.reparam.ConvKernel;

/**
 * The three checkpoint layouts of the official LIPT code and how they load here.
 *
 * <ul>
 *   <li><b>Training</b> ({@code train.py}: {@code {'model_state_dict': sd}}): the training form's keys;
 *       {@code Checkpoints.read} unwraps {@code model_state_dict} and a training-form {@link Lipt} loads it
 *       strictly.</li>
 *   <li><b>{@code deploy=True}</b> ({@code LIPT(deploy=True).state_dict()}): the deploy form's keys
 *       ({@code ...conv0.weight}, {@code ...project_inp.weight}); a deploy-form {@link Lipt} loads it strictly.</li>
 *   <li><b>{@code convert.py} output</b> (a plain state dict after {@code switch_to_deploy()} on every DBB): the HRM
 *       convolutions are {@code ...conv0.dbb_reparam.weight/bias}, but {@code project_inp} is still a convolution
 *       followed by a BatchNorm ({@code project_inp.0.*}, {@code project_inp.1.*}). No official network loads it
 *       strictly (the repository's {@code deploy=True} model has other keys); {@link #deployFromConverted} maps it
 *       to the {@code deploy=True} layout, folding the BatchNorm into the convolution, so it is not a third form
 *       of the network but a third file layout.</li>
 * </ul>
 */
public final class LiptCheckpoints {

    private static final String REPARAM = ".dbb_reparam.";
    private static final String PROJECT = ".project_inp.";

    private LiptCheckpoints() {}

    /**
     * The {@code deploy=True} state dict equal to a {@code convert.py} state dict: {@code X.dbb_reparam.weight} becomes
     * {@code X.weight} (same for the bias) and every {@code project_inp.0} convolution with its {@code project_inp.1}
     * BatchNorm becomes one convolution {@code project_inp.weight/bias} ({@code W gamma / s},
     * {@code beta + (b - mean) gamma / s}, {@code s = sqrt(var + 1e-5)}, computed in double and rounded once).
     * Other tensors are copied; a state dict already in the deploy layout comes back unchanged.
     *
     * @param converted the output of the official {@code convert.py}
     * @return the state dict for a deploy-form {@link Lipt}
     * @throws IllegalArgumentException if a {@code project_inp} BatchNorm misses one of its tensors (naming the key)
     */
    public static StateDict deployFromConverted(StateDict converted) {
        Map<String, Tensor> in = converted.tensors();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : in.entrySet()) {
            String key = e.getKey();
            int p = key.indexOf(PROJECT);
            if (key.contains(REPARAM)) {
                out.put(key.replace(REPARAM, "."), e.getValue());
            } else if (p >= 0 && key.startsWith("0.", p + PROJECT.length())) {
                String base = key.substring(0, p + PROJECT.length());
                if (key.endsWith(".0.weight")) {
                    ConvKernel k = ConvKernel.of(e.getValue(), require(in, base + "0.bias", converted))
                            .foldBatchNorm(batchNorm(in, base + "1.", converted));
                    out.put(base + "weight", k.weightTensor());
                    out.put(base + "bias", k.biasTensor());
                }
            } else if (p >= 0 && key.startsWith("1.", p + PROJECT.length())) {
                continue;
            } else {
                out.put(key, e.getValue());
            }
        }
        return new StateDict(out, converted.source());
    }

    private static BatchNormStatistics batchNorm(Map<String, Tensor> in, String prefix, StateDict sd) {
        return new BatchNormStatistics(require(in, prefix + "running_mean", sd).toFloatArray(),
                require(in, prefix + "running_var", sd).toFloatArray(), require(in, prefix + "weight", sd).toFloatArray(),
                require(in, prefix + "bias", sd).toFloatArray(), BatchNormStatistics.DEFAULT_EPSILON);
    }

    private static Tensor require(Map<String, Tensor> in, String key, StateDict sd) {
        Tensor t = in.get(key);
        if (t == null) {
            throw new IllegalArgumentException("LIPT convert.py checkpoint " + (sd.source() == null ? "" : sd.source()
                    + " ") + "has no '" + key + "' (needed to fold project_inp's BatchNorm)");
        }
        return t;
    }
}
