package org.dckd.losses.encoders;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.dckd.nn.ParameterValues;

/**
 * PyTorch's {@code nn.GroupNorm(num_groups, num_channels, eps, affine=True)} on NCHW input: the channels are split into
 * {@code groups} groups, each group of each sample is normalised by its own mean and biased variance, then scaled and
 * shifted per channel. Parameters {@code weight} (initialised to 1) and {@code bias} (0), as in the state dict. DJL has
 * no group normalisation, so this block composes it from elementwise operations.
 */
public final class TorchGroupNorm extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int channels;
    private final int groups;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * Creates the normalisation.
     *
     * @param groups the number of groups (must divide {@code channels})
     * @param channels the number of channels
     * @param eps the value added to the variance
     * @throws IllegalArgumentException if {@code groups} does not divide {@code channels}
     */
    public TorchGroupNorm(int groups, int channels, float eps) {
        super(VERSION);
        if (groups <= 0 || channels <= 0 || channels % groups != 0) {
            throw new IllegalArgumentException(
                    "group normalisation needs channels divisible by groups, got " + channels + " channels and "
                            + groups + " groups");
        }
        this.channels = channels;
        this.groups = groups;
        this.eps = eps;
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.GAMMA)
                .optShape(new Shape(channels)).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BETA)
                .optShape(new Shape(channels)).build());
    }

    /**
     * Normalises one NCHW array.
     *
     * @param ps the parameter store
     * @param x {@code (N, channels, H, W)}
     * @param training whether this is a training pass (no effect: group statistics never depend on the batch)
     * @return the normalised array, in {@code x}'s manager
     */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        Shape shape = x.getShape();
        NDArray grouped = x.reshape(shape.get(0), groups, -1);
        NDArray centered = grouped.sub(grouped.mean(new int[] {2}, true));
        NDArray variance = centered.square().mean(new int[] {2}, true);
        NDArray normalised = centered.div(variance.add(eps).sqrt()).reshape(shape);
        NDArray w = ParameterValues.of(ps, weight, x, training).reshape(1, channels, 1, 1);
        NDArray b = ParameterValues.of(ps, bias, x, training).reshape(1, channels, 1, 1);
        return normalised.mul(w).add(b);
    }

    /** The number of channels. */
    public int channels() {
        return channels;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
