package org.dckd.backbones.swinir;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.dckd.nn.TorchModule;
import org.dckd.nn.complexity.ComplexityCounter;
import org.dckd.nn.complexity.OperationCounts;
import org.junit.jupiter.api.Test;

/**
 * The counted forward of SwinIR-S (lightweight, x4) against figures derived by hand from the architecture (no golden
 * file: the challenges did not rank SwinIR). C = 60, 4 RSTBs of 6 Swin blocks, 6 heads of d = 10, window 8 (N = 64
 * tokens), MLP hidden 120, {@code pixelshuffledirect}, {@code 1conv}; input 64x64 (a multiple of the window: no
 * padding), P = 4096 pixels.
 * <ul>
 *   <li>convolutions: {@code conv_first}, one per RSTB, {@code conv_after_body}, {@code upsample.0} = 7 calls;
 *       MACs per pixel 3*60*9 + 4*60*60*9 + 60*60*9 + 60*48*9 = 1,620 + 129,600 + 32,400 + 25,920 = 189,540;
 *       output channels 60 + 4*60 + 60 + 48 = 408 per pixel;</li>
 *   <li>linear MACs per pixel per Swin block: qkv 60*180 + proj 60*60 + fc1 60*120 + fc2 120*60 = 28,800, x 24
 *       blocks = 691,200;</li>
 *   <li>matrix products per Swin block: {@code q k^T} and {@code attn v}, each (P/64 windows) * 6 heads * 64*10*64
 *       MACs, together 7,680 per pixel, x 24 = 184,320 per pixel;</li>
 *   <li>no counted activation module (GELU is not one), no bilinear resize;</li>
 *   <li>parameters: conv_first 1,680; patch_embed.norm 120; per Swin block norm1 120 + bias table 225*6 = 1,350 +
 *       qkv 10,980 + proj 3,660 + norm2 120 + fc1 7,320 + fc2 7,260 = 30,810; per RSTB 6*30,810 + conv 32,460 =
 *       217,320; norm 120; conv_after_body 32,460; upsample.0 60*48*9 + 48 = 25,968; total 1,680 + 120 + 4*217,320
 *       + 120 + 32,460 + 25,968 = 929,628, all trained.</li>
 * </ul>
 * Tolerance: none, all figures are integers from shapes.
 */
class SwinIrComplexityTest {

    @Test
    void lightweightX4CountsWhatItsArchitectureImplies() {
        long pixels = 64 * 64;
        try (NDManager m = NDManager.newBaseManager()) {
            SwinIr net = SwinIrConfig.lightweight(4).build();
            net.initialize(m);
            OperationCounts c = ComplexityCounter.countForward(net, m, new Shape(1, 3, 64, 64));
            assertAll(
                    () -> assertEquals(7, c.numConv(), "convolution calls"),
                    () -> assertEquals(189_540 * pixels, c.convMacs(), "conv MACs"),
                    () -> assertEquals(408 * pixels, c.activations(), "activations"),
                    () -> assertEquals(691_200 * pixels, c.linearMacs(), "linear MACs"),
                    () -> assertEquals(184_320 * pixels, c.matMulMacs(), "matmul MACs"),
                    () -> assertEquals(Map.of(), c.activationModuleElements(), "counted activation modules"),
                    () -> assertEquals(0, c.bilinearOutputElements(), "bilinear"),
                    () -> assertEquals((189_540 + 691_200) * pixels, c.ntireFlops(), "NTIRE FLOPs"),
                    () -> assertEquals((189_540 + 691_200 + 184_320) * pixels, c.fvcoreEquivalentFlops(),
                            "fvcore-equivalent"),
                    () -> assertEquals(929_628, TorchModule.parameterCount(net), "parameters"),
                    () -> assertEquals(929_628, TorchModule.trainableParameterCount(net), "trainable parameters"));
        }
    }
}
