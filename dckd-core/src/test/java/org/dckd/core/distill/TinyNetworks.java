package org.dckd.core.distill;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.dckd.backbones.SrBackbone;
import org.dckd.backbones.rlfn.RlfnConfig;

/** Tiny x2 RLFNs and seeded batches for the distiller tests. */
final class TinyNetworks {

    private TinyNetworks() {}

    /** An initialised x2 RLFN with one block; the engine seed makes its weights reproducible. */
    static SrBackbone rlfn(NDManager m, int channels, float inputRange, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        SrBackbone net = RlfnConfig.builder().setScale(2).optFeatureChannels(channels).optBlocks(1).optEsaChannels(8)
                .optInputRange(inputRange).buildNetwork();
        net.initialize(m);
        return net;
    }

    /** {@code [lr, hr]}: two seeded random HR images of {@code hrSize}^2 and their 2x2 average pooling. */
    static NDArray[] batch(NDManager m, int seed, int hrSize) {
        java.util.Random r = new java.util.Random(seed);
        float[] hr = new float[2 * 3 * hrSize * hrSize];
        for (int i = 0; i < hr.length; i++) {
            hr[i] = r.nextFloat();
        }
        NDArray h = m.create(hr, new Shape(2, 3, hrSize, hrSize));
        int half = hrSize / 2;
        NDArray l = h.reshape(2, 3, half, 2, half, 2).mean(new int[] {5}).mean(new int[] {3});
        return new NDArray[] {l, h};
    }
}
