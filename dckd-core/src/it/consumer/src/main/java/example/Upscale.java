package example;

import ai.djl.ndarray.NDManager;

import org.dckd.backbones.catalog.Backbones;
import org.dckd.backbones.SrBackbone;
import org.dckd.core.eval.BenchmarkEvaluator;
import org.dckd.core.eval.SuperResolver;
import org.dckd.data.image.Image;

/** An application's inference: an x4 RLFN (random weights) upscales a 32x32 gradient image. */
public final class Upscale {

    private Upscale() {}

    public static void main(String[] args) {
        SrBackbone net = Backbones.preset("rlfn", 4).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            net.initialize(manager);
            SuperResolver sr = SuperResolver.builder().setNetwork(net).build();
            int w = 32;
            int h = 32;
            float[] chw = new float[3 * w * h];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        chw[(c * h + y) * w + x] = (x + y + 8f * c) / (w + h + 16f);
                    }
                }
            }
            Image out = BenchmarkEvaluator.upscale(sr, Image.of(w, h, chw), manager);
            System.out.println("upscaled " + w + "x" + h + " -> " + out.width() + "x" + out.height()
                    + " with " + manager.getEngine().getEngineName() + " " + manager.getEngine().getVersion()
                    + ", ai.djl.offline=" + System.getProperty("ai.djl.offline"));
        }
    }
}
