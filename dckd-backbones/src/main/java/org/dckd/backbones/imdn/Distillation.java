package org.dckd.backbones.imdn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;

import org.dckd.nn.ModuleActivation;
import org.dckd.nn.TorchConv2d;

/** The progressive distillation shared by both IMDN block variants. */
final class Distillation {

    /** The negative slope of every LeakyReLU in IMDN. */
    static final float LEAKY_SLOPE = 0.05f;

    private Distillation() {}

    /**
     * {@code d_i, r_i = split(lrelu(conv_i(r_{i-1})), [d, rest])} for i = 1..3, then
     * {@code concat(d1, d2, d3, conv4(r3))} (4d channels).
     */
    static NDArray distill(ParameterStore ps, boolean training, NDArray x, long distilled, TorchConv2d conv1,
            TorchConv2d conv2, TorchConv2d conv3, TorchConv2d conv4) {
        long[] at = {distilled};
        NDList s1 = ModuleActivation.leakyRelu(conv1.apply(ps, x, training), LEAKY_SLOPE).split(at, 1);
        NDList s2 = ModuleActivation.leakyRelu(conv2.apply(ps, s1.get(1), training), LEAKY_SLOPE).split(at, 1);
        NDList s3 = ModuleActivation.leakyRelu(conv3.apply(ps, s2.get(1), training), LEAKY_SLOPE).split(at, 1);
        NDArray d4 = conv4.apply(ps, s3.get(1), training);
        return NDArrays.concat(new NDList(s1.get(0), s2.get(0), s3.get(0), d4), 1);
    }
}
