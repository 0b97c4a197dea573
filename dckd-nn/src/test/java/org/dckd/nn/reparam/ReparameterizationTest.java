package org.dckd.nn.reparam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.WeightLoader;
import org.dckd.nn.TorchConv2d;
import org.junit.jupiter.api.Test;

/**
 * A whole network through {@link Reparameterization#deployStateDict}: a RepVGG-style block (3x3 + 1x1 + identity)
 * whose deploy form is a plain convolution under the block's own name. Tolerance as in {@link ConvKernelTest}
 * (1e-5 of {@code max |y|}; two such layers with a ReLU between add at most one more rounding step).
 */
class ReparameterizationTest {

    /** 3x3 + 1x1 + identity, C -> C; deploys as one 3x3 convolution stored directly under its prefix. */
    static final class RepVggBlock extends AbstractBlock implements ReparameterizableBlock {
        private final int channels;
        private final TorchConv2d dense;
        private final TorchConv2d pointwise;

        RepVggBlock(int channels) {
            super((byte) 1);
            this.channels = channels;
            dense = addChildBlock("dense", TorchConv2d.same(channels, channels, 3));
            pointwise = addChildBlock("pointwise", TorchConv2d.same(channels, channels, 1));
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training,
                PairList<String, Object> params) {
            NDArray x = in.singletonOrThrow();
            return new NDList(dense.apply(ps, x, training).add(pointwise.apply(ps, x, training)).add(x));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            dense.initialize(manager, dataType, inputShapes);
            pointwise.initialize(manager, dataType, inputShapes);
        }

        @Override
        public ConvKernel mergedKernel() {
            return ConvKernel.sum(List.of(ConvKernel.of(dense), ConvKernel.of(pointwise),
                    ConvKernel.identity(channels, 1)));
        }

        @Override
        public String deployConvolutionName() {
            return "";
        }
    }

    @Test
    void aTrainingNetworkBecomesItsDeployFormKeyForKey() {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager()) {
            int c = 6;
            Shape shape = new Shape(2, c, 9, 10);
            SequentialBlock training = new SequentialBlock().add(new RepVggBlock(c)).add(Activation::relu)
                    .add(TorchConv2d.same(c, 3, 3)).add(new RepVggBlock(3));
            SequentialBlock deploy = new SequentialBlock().add(TorchConv2d.same(c, c, 3)).add(Activation::relu)
                    .add(TorchConv2d.same(c, 3, 3)).add(TorchConv2d.same(3, 3, 3));
            training.initialize(m, DataType.FLOAT32, shape);
            deploy.initialize(m, DataType.FLOAT32, shape);

            assertEquals(List.of("0.", "3."), List.copyOf(Reparameterization.blocks(training).keySet()));
            StateDict sd = Reparameterization.deployStateDict(training);
            assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "3.weight", "3.bias"),
                    List.copyOf(sd.keys()), "merged kernels in place of the branches, other tensors copied, in order");
            assertTrue(WeightLoader.load(deploy, sd).isComplete());

            NDArray x = m.randomNormal(shape);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray y = training.forward(ps, new NDList(x), false).singletonOrThrow();
            NDArray z = deploy.forward(ps, new NDList(x), false).singletonOrThrow();
            double rel = y.sub(z).abs().max().getFloat() / y.abs().max().getFloat();
            System.out.printf("RepVGG network: training vs deploy %.3g relative%n", rel);
            assertTrue(rel < 1e-5, "relative difference " + rel);
        }
    }

    @Test
    void aNetworkWithoutReparameterisableBlocksIsRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            TorchConv2d plain = TorchConv2d.same(2, 2, 3);
            plain.initialize(m, DataType.FLOAT32, new Shape(1, 2, 4, 4));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Reparameterization.deployStateDict(plain));
            assertTrue(e.getMessage().contains("no reparameterisable block"), e.getMessage());
        }
    }
}
