package org.dckd.core.efficiency;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dckd.nn.complexity.OperationCounts;

/**
 * The efficiency report of one network: parameters, the counted figures of one forward pass
 * ({@link OperationCounts}, NTIRE conventions) and optionally a runtime measurement. {@link #toJson()} uses the keys
 * of the challenges' reference figures ({@code params}, {@code flops}, {@code activations}, {@code num_conv},
 * {@code flops_by_module_type}, {@code fvcore_equivalent_G}, ...); {@link #table()} is the human-readable form.
 *
 * @param model the model as named by the user (preset or config file)
 * @param weights the checkpoint, or {@code null} for random weights
 * @param scale the upscaling factor
 * @param inputHeight height of the counting input {@code (1, 3, H, W)}
 * @param inputWidth width of the counting input
 * @param parameters all parameter elements (also those not trained, as the challenges count)
 * @param trainableParameters the trained ones
 * @param counts the counted forward pass
 * @param runtime the runtime measurement, or {@code null} when none was made
 */
public record EfficiencyReport(
        String model,
        String weights,
        int scale,
        int inputHeight,
        int inputWidth,
        long parameters,
        long trainableParameters,
        OperationCounts counts,
        RuntimeMeasurement runtime) {

    /** The counting conventions, written into every JSON report. */
    public static final String CONVENTIONS = "flops: NTIRE 2022 utils/model_summary.py get_model_flops: conv MACs "
            + "(k*k*Cin/groups*Cout per output pixel, no bias) + output numel of ReLU/PReLU/ELU/LeakyReLU/ReLU6 modules "
            + "(functional activations not counted) + 2*numel of affine BatchNorm2d + Linear MACs (true MACs for any "
            + "input rank). activations: output numel of every conv call. num_conv: conv calls. fvcore_equivalent: "
            + "conv and linear MACs + 4 * bilinear-upsample output elements + matmul MACs (a reconstruction of "
            + "fvcore's default handles; normalisation layers not included).";

    /** The report as a JSON object (runtime under {@code runtime}, absent when not measured). */
    public ObjectNode toJson() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("model", model);
        root.put("weights", weights);
        root.put("scale", scale);
        ArrayNode input = root.putArray("input");
        input.add(1).add(3).add(inputHeight).add(inputWidth);
        root.put("params", parameters);
        root.put("params_requires_grad", trainableParameters);
        root.put("flops", counts.ntireFlops());
        root.put("activations", counts.activations());
        root.put("num_conv", counts.numConv());
        ObjectNode byType = root.putObject("flops_by_module_type");
        counts.flopsByModuleType().forEach(byType::put);
        root.put("conv_macs", counts.convMacs());
        root.put("linear_macs", counts.linearMacs());
        root.put("bilinear_out_elems", counts.bilinearOutputElements());
        root.put("matmul_macs", counts.matMulMacs());
        root.put("fvcore_equivalent_flops", counts.fvcoreEquivalentFlops());
        root.put("params_M", scaled(parameters, 6, 6));
        root.put("flops_G", scaled(counts.ntireFlops(), 9, 4));
        root.put("activations_M", scaled(counts.activations(), 6, 4));
        root.put("fvcore_equivalent_G", scaled(counts.fvcoreEquivalentFlops(), 9, 8));
        root.put("conventions", CONVENTIONS);
        if (runtime != null) {
            ObjectNode r = root.putObject("runtime");
            r.put("device", runtime.device());
            r.put("torch_threads", runtime.torchThreads());
            r.put("warmup", runtime.warmup());
            r.put("runs_per_image", runtime.runsPerImage());
            r.put("source", runtime.source());
            r.put("ave_runtime_ms", runtime.meanBestMs());
            ArrayNode images = r.putArray("images");
            for (RuntimeMeasurement.ImageRuntime i : runtime.images()) {
                images.addObject().put("name", i.name()).put("width", i.width()).put("height", i.height())
                        .put("best_ms", i.bestMs());
            }
            ObjectNode mem = r.putObject("peak_memory");
            mem.put("kind", runtime.peakMemory().kind());
            if (runtime.peakMemory().available()) {
                mem.put("mb", runtime.peakMemory().mb());
            } else {
                mem.putNull("mb");
            }
            mem.put("note", runtime.peakMemory().note());
        }
        return root;
    }

    /** {@link #toJson()} as indented text with a final newline. */
    public String toJsonString() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson()) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the efficiency report as JSON", e);
        }
    }

    /** The report as an aligned text table. */
    public String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s x%d%s, counted on a 1x3x%dx%d input%n", model, scale,
                weights == null ? " (random weights)" : " (" + weights + ")", inputHeight, inputWidth));
        row(b, "parameters", String.format(Locale.ROOT, "%,d (%s M; trained %,d)", parameters,
                scaled(parameters, 6, 4).toPlainString(), trainableParameters));
        row(b, "FLOPs (NTIRE 2022)", String.format(Locale.ROOT, "%,d (%s G)", counts.ntireFlops(),
                scaled(counts.ntireFlops(), 9, 4).toPlainString()));
        row(b, "FLOPs (fvcore-equiv.)", String.format(Locale.ROOT, "%,d (%s G)", counts.fvcoreEquivalentFlops(),
                scaled(counts.fvcoreEquivalentFlops(), 9, 4).toPlainString()));
        row(b, "activations", String.format(Locale.ROOT, "%,d (%s M)", counts.activations(),
                scaled(counts.activations(), 6, 4).toPlainString()));
        row(b, "convolutions", Long.toString(counts.numConv()));
        row(b, "FLOPs by module type", describe(counts.flopsByModuleType()));
        row(b, "other (fvcore only)", String.format(Locale.ROOT, "bilinear output %,d elements; matmul %,d MACs",
                counts.bilinearOutputElements(), counts.matMulMacs()));
        if (runtime != null) {
            List<RuntimeMeasurement.ImageRuntime> images = runtime.images();
            row(b, "runtime", String.format(Locale.ROOT, "%.2f ms (%s, %s threads; best of %d per input, mean over "
                    + "%d input%s from %s; %d warm-up pass%s)", runtime.meanBestMs(), runtime.device(),
                    runtime.torchThreads(), runtime.runsPerImage(), images.size(), images.size() == 1 ? "" : "s",
                    runtime.source(), runtime.warmup(), runtime.warmup() == 1 ? "" : "es"));
            RuntimeMeasurement.PeakMemory mem = runtime.peakMemory();
            row(b, "peak memory", mem.available()
                    ? String.format(Locale.ROOT, "%.0f MB (%s; %s)", mem.mb(), mem.kind(), mem.note())
                    : "not available (" + mem.kind() + ": " + mem.note() + ")");
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String label, String value) {
        b.append(String.format(Locale.ROOT, "  %-22s %s%n", label, value));
    }

    private static String describe(Map<String, Long> byType) {
        return byType.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %,d", e.getKey(), e.getValue()))
                .collect(Collectors.joining("; "));
    }

    /** {@code n / 10^power}, rounded half-up to {@code decimals}. */
    private static BigDecimal scaled(long n, int power, int decimals) {
        return BigDecimal.valueOf(n).movePointLeft(power).setScale(decimals, RoundingMode.HALF_UP);
    }
}
