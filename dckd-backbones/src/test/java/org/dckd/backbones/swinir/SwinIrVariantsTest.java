package org.dckd.backbones.swinir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import org.dckd.backbones.swinir.SwinIrConfig.Padding;
import org.dckd.backbones.swinir.SwinIrConfig.ResiConnection;
import org.dckd.backbones.swinir.SwinIrConfig.Upsampler;
import org.dckd.nn.TorchModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configurations outside the golden set (nearest+conv x2/x4, no upsampler with img_range 255, 3conv, grey input with
 * an absolute position embedding and no patch norm or qkv bias, img_size smaller than the window, pixelshuffle x3/x4,
 * both padding conventions), against outputs of the official {@code network_swinir.py} computed by
 * {@code tools/reference/swinir_variants.py}. Weights follow a closed formula both sides evaluate, so only inputs and
 * outputs are stored ({@code swinir_variants.npz}, 60 KB).
 */
class SwinIrVariantsTest {

    @TempDir
    Path tmp;

    private static SwinIrConfig.Builder base(int scale, int imgSize, int window, Upsampler upsampler) {
        return SwinIrConfig.builder().setScale(scale).optImgSize(imgSize).optWindowSize(window)
                .setUpsampler(upsampler).setEmbedDim(8).setDepths(2).setNumHeads(2);
    }

    @Test
    void nearestConvX4With3Conv() throws IOException {
        check("nearest_x4_3conv", base(4, 16, 4, Upsampler.NEAREST_CONV)
                .optResiConnection(ResiConnection.THREE_CONV).build());
    }

    @Test
    void nearestConvX2MirrorTestPadding() throws IOException {
        check("nearest_x2", base(2, 16, 4, Upsampler.NEAREST_CONV).optPadding(Padding.MIRROR_TEST).build());
    }

    @Test
    void noUpsamplerWithImgRange255() throws IOException {
        check("none_range255", base(1, 16, 4, Upsampler.NONE).optImgRange(255).setDepths(2, 1).setNumHeads(2, 4)
                .build());
    }

    @Test
    void greyInputWithAbsolutePositionEmbedding() throws IOException {
        check("direct_x3_gray_ape", base(3, 8, 4, Upsampler.PIXEL_SHUFFLE_DIRECT).optInChans(1).setEmbedDim(6)
                .setDepths(3).setNumHeads(3).optMlpRatio(1.5).optQkvBias(false).optApe(true).optPatchNorm(false)
                .build());
    }

    @Test
    void imgSizeSmallerThanWindowShrinksTheWindowAndDisablesShift() throws IOException {
        SwinIrConfig c = base(3, 4, 8, Upsampler.PIXEL_SHUFFLE).build();
        assertEquals(4, c.blockWindowSize());
        assertEquals(0, c.shiftSize());
        check("shuffle_x3_small_img", c);
    }

    @Test
    void pixelShuffleX4MirrorTestPadding() throws IOException {
        check("shuffle_x4", base(4, 16, 4, Upsampler.PIXEL_SHUFFLE).setNumHeads(1).optPadding(Padding.MIRROR_TEST)
                .build());
    }

    private void check(String name, SwinIrConfig config) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> ref = reference(manager);
            SwinIr net = config.build();
            net.initialize(manager);
            setDeterministicWeights(net);
            assertEquals(ref.get(name + "/n_params").getLong(), net.parameterCount(), name + ": parameter count");
            NDArray y = net.forward(new ParameterStore(manager, false), new NDList(ref.get(name + "/x")), false).head();
            Golden.assertClose("variant " + name, ref.get(name + "/y"), y);
        }
    }

    /** The formula of {@code deterministic_weights} in {@code tools/reference/swinir_variants.py}. */
    private static void setDeterministicWeights(SwinIr net) {
        int p = 0;
        for (Map.Entry<String, Parameter> e : TorchModule.parameters(net).entrySet()) {
            NDArray a = e.getValue().getArray();
            long[] shape = a.getShape().getShape();
            int n = Math.toIntExact(a.getShape().size());
            double amp = shape.length >= 2 ? 1.0 / Math.sqrt((double) n / shape[0]) : 0.1;
            String[] parts = e.getKey().split("\\.");
            boolean layerNormWeight = e.getKey().endsWith(".weight") && shape.length == 1
                    && parts[parts.length - 2].contains("norm");
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                double x = amp * Math.sin(1.3 * i + 0.7 * p);
                v[i] = (float) (layerNormWeight ? x + 1.0 : x);
            }
            a.set(v);
            p++;
        }
    }

    private Map<String, NDArray> reference(NDManager manager) throws IOException {
        Path file = tmp.resolve("swinir_variants.npz");
        try (InputStream in = getClass().getResourceAsStream("swinir_variants.npz")) {
            Files.copy(in, file);
        }
        return Golden.npz(manager, file);
    }
}
