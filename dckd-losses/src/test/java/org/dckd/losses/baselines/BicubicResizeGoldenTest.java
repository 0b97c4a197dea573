package org.dckd.losses.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.dckd.data.image.Image;
import org.dckd.data.resize.MatlabBicubic;
import org.dckd.nn.DjlRuntime;
import org.junit.jupiter.api.Test;

/**
 * {@link BicubicResize}: PyTorch's bicubic upsampling against {@code F.interpolate} values from
 * {@code tools/reference/lcr_dukd_golden.py}, and the MATLAB downscaling against both that script and dckd-data's
 * MATLAB-exact {@link MatlabBicubic#resize} (an independent implementation).
 */
class BicubicResizeGoldenTest {

    static {
        DjlRuntime.ensureOffline();
    }

    @Test
    void torchUpsamplingMatchesInterpolate() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> g = BaselineGolden.own(m, "lcr_dukd_golden.npz");
            BaselineGolden.assertValues("torch bicubic x3 (5x7)", g.get("resize_x1_torch_up3"),
                    BicubicResize.torchUpsample(g.get("resize_x1"), 3));
            BaselineGolden.assertValues("torch bicubic x4 (12x10)", g.get("resize_x2_torch_up4"),
                    BicubicResize.torchUpsample(g.get("resize_x2"), 4));
            NDArray x = g.get("resize_x1");
            assertSame(x, BicubicResize.torchUpsample(x, 1));
        }
    }

    @Test
    void matlabDownscalingMatchesTheReferenceScript() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> g = BaselineGolden.own(m, "lcr_dukd_golden.npz");
            BaselineGolden.assertValues("matlab down x3 (12x10)", g.get("resize_x2_matlab_down3"),
                    BicubicResize.matlabDownscale(g.get("resize_x2"), 3));
            BaselineGolden.assertValues("matlab down x4 (12x10)", g.get("resize_x2_matlab_down4"),
                    BicubicResize.matlabDownscale(g.get("resize_x2"), 4));
        }
    }

    /** The same operation as dckd-data's MATLAB-exact float {@code imresize}, for several sizes and factors. */
    @Test
    void matlabDownscalingMatchesMatlabBicubic() {
        Random random = new Random(3);
        try (NDManager m = NDManager.newBaseManager()) {
            int[][] cases = {{48, 48, 4}, {48, 48, 2}, {30, 21, 3}, {17, 9, 2}, {12, 12, 4}};
            for (int[] c : cases) {
                int h = c[0];
                int w = c[1];
                int f = c[2];
                float[] chw = new float[3 * h * w];
                for (int i = 0; i < chw.length; i++) {
                    chw[i] = random.nextFloat();
                }
                Image reference = MatlabBicubic.resize(Image.fromChw(w, h, chw, 0, 1f), 1.0 / f);
                NDArray ours = BicubicResize.matlabDownscale(m.create(chw, new Shape(1, 3, h, w)), f);
                assertArrayEquals(new long[] {1, 3, reference.height(), reference.width()},
                        ours.getShape().getShape(), h + "x" + w + " / " + f);
                float[] expected = reference.toChw(1f);
                BaselineGolden.assertClose("matlab down x" + f + " " + h + "x" + w + " vs MatlabBicubic",
                        m.create(expected, ours.getShape()), ours, 1e-5, 1e-6);
            }
        }
    }

    @Test
    void rejectsBadInput() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(3, 8, 8));
            assertThrows(IllegalArgumentException.class, () -> BicubicResize.torchUpsample(x, 2));
            NDArray y = m.zeros(new Shape(1, 3, 8, 8));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BicubicResize.matlabDownscale(y, 0));
            assertEquals("bicubic resize factor must be at least 1, got 0", e.getMessage());
        }
    }
}
