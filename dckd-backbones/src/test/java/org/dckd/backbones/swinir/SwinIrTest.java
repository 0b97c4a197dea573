package org.dckd.backbones.swinir;

import org.dckd.nn.TappedOutput;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import org.dckd.backbones.swinir.SwinIrConfig.Padding;
import org.dckd.backbones.swinir.SwinIrConfig.Upsampler;
import org.dckd.nn.TorchModule;
import org.junit.jupiter.api.Test;

/** SwinIR behaviour that needs no reference data: gradients, shapes, padding limits. */
class SwinIrTest {

    /** A tiny random SwinIR: embed 12, one group of 2 blocks with 2 heads, window 4 (shift 2). */
    private static SwinIrConfig tiny(Upsampler upsampler, int scale) {
        return SwinIrConfig.builder().setScale(scale).setEmbedDim(12).setDepths(2).setNumHeads(2).optWindowSize(4)
                .optImgSize(16).setUpsampler(upsampler).optDropPathRate(0).build();
    }

    @Test
    void everyParameterGetsAFiniteNonZeroGradient() {
        Engine.getInstance().setRandomSeed(7);
        try (NDManager manager = NDManager.newBaseManager()) {
            SwinIr net = tiny(Upsampler.PIXEL_SHUFFLE, 2).build();
            net.initialize(manager);
            Map<String, Parameter> params = TorchModule.parameters(net);
            assertTrue(params.containsKey("layers.0.residual_group.blocks.1.attn.relative_position_bias_table"));
            try (NDManager step = manager.newSubManager()) {
                // 10x11 exercises the reflect padding (to 12x12) and the shifted-window mask
                NDArray x = step.randomUniform(0f, 1f, new Shape(2, 3, 10, 11));
                NDArray target = step.randomUniform(0f, 1f, new Shape(2, 3, 20, 22));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = net.forward(new ParameterStore(step, false), new NDList(x), true).head();
                    assertArrayEquals(new long[] {2, 3, 20, 22}, y.getShape().getShape());
                    NDArray loss = y.sub(target).abs().mean();
                    gc.backward(loss);
                }
                for (Map.Entry<String, Parameter> e : params.entrySet()) {
                    try (NDArray g = e.getValue().getArray().getGradient()) {
                        float[] v = g.toFloatArray();
                        double abs = 0;
                        for (float f : v) {
                            assertTrue(Float.isFinite(f), e.getKey() + ": non-finite gradient");
                            abs += Math.abs(f);
                        }
                        assertTrue(abs > 0, e.getKey() + ": zero gradient");
                    }
                }
            }
        }
    }

    @Test
    void anyInputSizeGivesScaledOutput() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (Padding padding : Padding.values()) {
                SwinIr net = tiny(Upsampler.PIXEL_SHUFFLE_DIRECT, 3).toBuilder().optPadding(padding).build().build();
                net.initialize(manager);
                ParameterStore ps = new ParameterStore(manager, false);
                for (int[] hw : new int[][] {{3, 3}, {4, 9}, {5, 7}, {16, 16}, {17, 6}}) {
                    if (hw[0] < net.minInputSize() || hw[1] < net.minInputSize()) {
                        continue;
                    }
                    NDArray x = manager.randomUniform(0f, 1f, new Shape(1, 3, hw[0], hw[1]));
                    NDArray y = net.forward(ps, new NDList(x), false).head();
                    assertArrayEquals(new long[] {1, 3, hw[0] * 3L, hw[1] * 3L}, y.getShape().getShape(),
                            padding + " " + hw[0] + "x" + hw[1]);
                    assertArrayEquals(y.getShape().getShape(),
                            net.getOutputShapes(new Shape[] {x.getShape()})[0].getShape());
                }
            }
        }
    }

    @Test
    void reflectPaddingRejectsTooSmallInputsWithAClearMessage() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SwinIr net = SwinIrConfig.lightweight(2).build();
            net.initialize(manager);
            assertEquals(5, net.minInputSize());
            NDArray x = manager.zeros(new Shape(1, 3, 4, 12));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> net.forward(new ParameterStore(manager, false), new NDList(x), false));
            assertTrue(e.getMessage().contains("mirror_test"), e.getMessage());
            NDArray wrongChannels = manager.zeros(new Shape(1, 1, 8, 8));
            assertThrows(IllegalArgumentException.class,
                    () -> net.forward(new ParameterStore(manager, false), new NDList(wrongChannels), false));
        }
    }

    @Test
    void featureTapsAreNamedLikeTheOfficialModules() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SwinIr net = tiny(Upsampler.PIXEL_SHUFFLE, 2).toBuilder().setDepths(2, 2).setNumHeads(2, 3).build().build();
            net.initialize(manager);
            NDArray x = manager.randomUniform(0f, 1f, new Shape(1, 3, 8, 8));
            ParameterStore ps = new ParameterStore(manager, false);
            TappedOutput f = net.forwardWithFeatures(ps, x, false);
            assertEquals(java.util.List.of("conv_first", "patch_embed", "layers.0.residual_group.blocks.0",
                    "layers.0.residual_group.blocks.1", "layers.0", "layers.1.residual_group.blocks.0",
                    "layers.1.residual_group.blocks.1", "layers.1", "norm", "conv_after_body", "conv_before_upsample",
                    "upsample", "conv_last"), java.util.List.copyOf(f.features().keySet()));
            assertArrayEquals(new long[] {1, 64, 12}, f.features().get("norm").getShape().getShape());
            NDArray plain = net.forward(ps, new NDList(x), false).head();
            assertEquals(0f, plain.sub(f.output()).abs().max().getFloat(), 0f);
        }
    }

    @Test
    void inferenceIsDeterministicAndDropPathOnlyActsInTraining() {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager manager = NDManager.newBaseManager()) {
            SwinIr net = tiny(Upsampler.PIXEL_SHUFFLE_DIRECT, 2).toBuilder().setDepths(4).optDropPathRate(0.5).build()
                    .build();
            net.initialize(manager);
            NDArray x = manager.randomUniform(0f, 1f, new Shape(4, 3, 8, 8));
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray a = net.forward(ps, new NDList(x), false).head();
            NDArray b = net.forward(ps, new NDList(x), false).head();
            assertEquals(0f, a.sub(b).abs().max().getFloat(), 0f);
            NDArray t = net.forward(ps, new NDList(x), true).head();
            assertNotEquals(0f, a.sub(t).abs().max().getFloat());
        }
    }

    @Test
    void forwardPassesLeaveNothingBehindInTheNetworksManager() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SwinIr net = tiny(Upsampler.PIXEL_SHUFFLE, 2).toBuilder().optImgSize(8).optApe(true).build().build();
            net.initialize(manager);
            int before = manager.getManagedArrays().size();
            for (boolean training : new boolean[] {false, true}) {
                try (NDManager step = manager.newSubManager()) {
                    NDArray x = step.randomUniform(0f, 1f, new Shape(1, 3, 7, 8));
                    if (training) {
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray y = net.forward(new ParameterStore(step, false), new NDList(x), true).head();
                            gc.backward(y.mean());
                        }
                    } else {
                        net.forwardWithFeatures(new ParameterStore(step, false), x, false);
                    }
                }
            }
            assertEquals(before, manager.getManagedArrays().size());
        }
    }
}
