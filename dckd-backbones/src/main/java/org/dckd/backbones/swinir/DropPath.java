package org.dckd.backbones.swinir;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import org.dckd.nn.OwnedArrays;

/**
 * Stochastic depth per sample (timm {@code DropPath}): in training, each sample's residual branch is dropped with
 * probability {@code p} and kept ones are scaled by {@code 1 / (1 - p)}; identity otherwise.
 */
final class DropPath {

    private DropPath() {}

    static NDArray apply(NDArray branch, float p, boolean training) {
        if (!training || p <= 0f) {
            return branch;
        }
        float keep = 1f - p;
        long[] shape = new long[branch.getShape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = branch.getShape().get(0);
        NDArray keepMask = branch.getManager().randomUniform(0f, 1f, new Shape(shape)).add(keep).floor();
        return OwnedArrays.div(branch, keep).mul(keepMask);
    }
}
