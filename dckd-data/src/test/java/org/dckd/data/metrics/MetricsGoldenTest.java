package org.dckd.data.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.dckd.data.image.Image;
import org.dckd.data.image.ImageFiles;
import org.dckd.data.resize.MatlabBicubic;
import org.dckd.testing.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Compares the Java protocol with golden values from {@code tools/reference/metrics_golden.py} (numpy, independent
 * PNG decoder, 2-D SSIM window; cross-checked with scipy.ndimage where available).
 */
class MetricsGoldenTest {

    private static final double PSNR_TOLERANCE = 1e-6;
    private static final double SSIM_TOLERANCE = 1e-7;

    private static JsonNode golden;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = MetricsGoldenTest.class.getResourceAsStream("/golden/metrics_golden.json")) {
            assertNotNull(in, "golden/metrics_golden.json on the test class path");
            golden = new ObjectMapper().readTree(in);
        }
    }

    private static JsonNode goldenCase(String name) {
        for (JsonNode c : golden.get("cases")) {
            if (name.equals(c.get("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no golden case " + name);
    }

    private static Image uint8Image(JsonNode node) {
        byte[] bytes = Base64.getDecoder().decode(node.get("uint8_chw_base64").asText());
        float[] v = new float[bytes.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = bytes[i] & 0xff;
        }
        return Image.of(node.get("width").asInt(), node.get("height").asInt(), v);
    }

    private static Image float32Image(JsonNode node) {
        ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(node.get("float32_le_chw_base64").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[buf.remaining() / 4];
        buf.asFloatBuffer().get(v);
        return Image.of(node.get("width").asInt(), node.get("height").asInt(), v);
    }

    private static void assertScore(JsonNode c, QualityScore score) {
        String name = c.get("name").asText();
        assertEquals(c.get("psnr").asDouble(), score.psnr(), PSNR_TOLERANCE, name + " PSNR");
        assertEquals(c.get("ssim").asDouble(), score.ssim(), SSIM_TOLERANCE, name + " SSIM");
    }

    @Test
    void syntheticX4WithTiesAndOutOfRangeValues() {
        JsonNode c = goldenCase("synthetic_x4");
        Image sr = float32Image(c.get("sr"));
        assertEquals(false, sr.isQuantized(), "the SR input must exercise quantization");
        assertScore(c, ImageQuality.evaluate(sr, uint8Image(c.get("hr")), c.get("scale").asInt()));
    }

    @Test
    void syntheticX3NeedsHrModcrop() {
        JsonNode c = goldenCase("synthetic_x3_modcrop");
        Image hr = uint8Image(c.get("hr"));
        Image sr = float32Image(c.get("sr"));
        assertEquals(35, hr.height());
        assertEquals(33, sr.height());
        assertScore(c, ImageQuality.evaluate(sr, hr, c.get("scale").asInt()));
    }

    @Test
    void set5BabyShiftedHorizontally() throws IOException {
        checkShiftCase(goldenCase("set5_baby_shift_x4"));
    }

    @Test
    void set14BridgeGrayscaleShiftedVertically() throws IOException {
        checkShiftCase(goldenCase("set14_bridge_shift_x3"));
    }

    private static void checkShiftCase(JsonNode c) throws IOException {
        int scale = c.get("scale").asInt();
        Image hr = ImageFiles.read(SharedData.require(c.get("hr").get("shared").asText()));
        double sum = 0;
        for (float v : hr.toChw()) {
            sum += v;
        }
        assertEquals(c.get("hr").get("sum_of_values").asLong(), (long) sum, "decoded values (independent decoder)");
        Image base = hr.modcrop(scale);
        int w = base.width();
        int h = base.height();
        boolean alongX = "x".equals(c.get("sr").get("shift_of_modcropped_hr").asText());
        float[] v = new float[3 * w * h];
        for (int ch = 0; ch < 3; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int sy = alongX ? y : Math.min(y + 1, h - 1);
                    int sx = alongX ? Math.min(x + 1, w - 1) : x;
                    v[(ch * h + y) * w + x] = base.get(ch, sy, sx);
                }
            }
        }
        assertScore(c, ImageQuality.evaluate(Image.of(w, h, v), hr, scale));
    }

    /**
     * The float bicubic enlargement against numpy's float64 version: after quantization a value can land on the
     * other side of a rounding boundary (Java keeps the intermediate in float), so the tolerance is looser.
     */
    @Test
    void bicubicX4BaselineOnSet5() throws IOException {
        JsonNode b = golden.get("bicubic_x4_set5");
        List<QualityScore> scores = new ArrayList<>();
        for (JsonNode e : b.get("images")) {
            String img = e.get("image").asText();
            Image hr = ImageFiles.read(SharedData.require("data/benchmarks/Set5/HR/" + img + ".png"));
            Image lr = ImageFiles.read(SharedData.require("data/benchmarks/Set5/LR_bicubic/X4/" + img + "x4.png"));
            QualityScore s = ImageQuality.evaluate(MatlabBicubic.resize(lr, 4.0), hr, 4);
            assertEquals(e.get("psnr").asDouble(), s.psnr(), 1e-4, img + " PSNR");
            assertEquals(e.get("ssim").asDouble(), s.ssim(), 1e-6, img + " SSIM");
            scores.add(s);
        }
        QualityScore mean = QualityScore.mean(scores);
        assertEquals(b.get("mean_psnr").asDouble(), mean.psnr(), 1e-4);
        // the literature's bicubic row (28.42 / 0.8104) used a slightly different pipeline (Y-only resizing)
        assertEquals(28.42, mean.psnr(), 0.02);
        assertEquals(0.8104, mean.ssim(), 0.002);
    }
}
