package org.dckd.losses.baselines;

import java.util.function.UnaryOperator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

import org.dckd.nn.PixelShuffle;

/**
 * The tiny fixed "network" of {@code tools/reference/lcr_dukd_golden.py}: one 3x3 convolution (padding 1, bias) to
 * {@code 3 s^2} channels followed by pixel shuffle, as a [0,1]-in, [0,1]-out operator like the trainer's.
 *
 * @param weight the convolution weight {@code (3 s^2, 3, 3, 3)}
 * @param bias the bias {@code (3 s^2)}
 * @param scale the pixel-shuffle factor
 */
record TinyNetwork(NDArray weight, NDArray bias, int scale) implements UnaryOperator<NDArray> {

    @Override
    public NDArray apply(NDArray x) {
        NDArray conv = Conv2d.conv2d(x, weight, bias, new Shape(1, 1), new Shape(1, 1)).singletonOrThrow();
        return PixelShuffle.apply(conv, scale);
    }
}
