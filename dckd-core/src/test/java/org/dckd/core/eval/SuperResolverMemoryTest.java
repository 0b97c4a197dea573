package org.dckd.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.dckd.backbones.catalog.Backbones;
import org.dckd.backbones.SrBackbone;
import org.dckd.backbones.rlfn.RlfnConfig;
import org.dckd.config.ByteSize;
import org.junit.jupiter.api.Test;

/** Whole-image inference never outgrows the memory budget: too large an image is tiled automatically. */
class SuperResolverMemoryTest {

    @Test
    void anImageOverTheBudgetIsTiledExactlyAsWithThatTileSize() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            SrBackbone net = RlfnConfig.builder().setScale(2).optFeatureChannels(8).optBlocks(1).optEsaChannels(8)
                    .optInputRange(1f).buildNetwork();
            net.initialize(m);
            long perPixel = net.inferenceBytesPerPixel();
            // widest layer: the upsampler's 3 * 2^2 = 12 output channels (wider than the 8 features)
            assertEquals(4L * (16 * 12 + 6 * 4), perPixel);
            NDArray lr = m.randomUniform(0, 1, new Shape(1, 3, 150, 130));
            // a budget for about 64 x 64 pixels: whole 150 x 130 does not fit
            long budget = perPixel * 64 * 64 + 1;
            SuperResolver auto = SuperResolver.builder().setNetwork(net).optMemoryBudget(budget).build();
            SuperResolver explicit = SuperResolver.builder().setNetwork(net).optTile(64).optTileOverlap(16).build();
            SuperResolver whole = SuperResolver.builder().setNetwork(net).optMemoryBudget(1L << 40).build();
            float[] a = auto.upscale(lr).toFloatArray();
            assertArrayEquals(explicit.upscale(lr).toFloatArray(), a, "auto tiles are 64 px with overlap 16");
            float[] w = whole.upscale(lr).toFloatArray();
            double maxDiff = 0;
            for (int i = 0; i < a.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(a[i] - w[i]));
            }
            assertTrue(maxDiff > 0, "the whole-image pass ran untiled");
            // a budget too small for even the smallest useful tile: refused with the numbers
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SuperResolver.builder().setNetwork(net).optMemoryBudget(perPixel * 100).build().upscale(lr));
            assertTrue(e.getMessage().contains("memory budget"), e.getMessage());
        }
    }

    @Test
    void attentionCountsInTheEstimateAndBudgetsParse() {
        try (NDManager m = NDManager.newBaseManager()) {
            SrBackbone swin = Backbones.preset("swinir_lightweight", 4).build();
            swin.initialize(m);
            // SwinIR-light: 6 heads, window 8 -> 3 * 6 * 64 floats per pixel on top of the convolution estimate
            assertTrue(swin.inferenceBytesPerPixel() >= 4L * 3 * 6 * 64, "" + swin.inferenceBytesPerPixel());
        }
        assertEquals(2L << 30, ByteSize.parse("2g", "x"));
        assertEquals(512L << 20, ByteSize.parse("512M", "x"));
        assertEquals(1000, ByteSize.parse("1000", "x"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ByteSize.parse("lots", "--memory-budget"));
        assertTrue(e.getMessage().contains("--memory-budget") && e.getMessage().contains("lots"), e.getMessage());
        assertTrue(SuperResolver.defaultMemoryBudget() >= 512L << 20);
    }
}
