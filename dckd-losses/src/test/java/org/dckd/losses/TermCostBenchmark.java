package org.dckd.losses;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import org.dckd.backbones.SrBackbone;
import org.dckd.backbones.rlfn.RlfnConfig;
import org.dckd.losses.LossTerm.Reduction;
import org.dckd.losses.baselines.CsdTerm;
import org.dckd.losses.baselines.DukdZoomInTerm;
import org.dckd.losses.baselines.DukdZoomOutTerm;
import org.dckd.losses.baselines.FakdTerm;
import org.dckd.losses.baselines.FeatureLevels;
import org.dckd.losses.baselines.LabelConsistencyTerm;
import org.dckd.losses.pixel.PixelDistance;
import org.dckd.losses.pixel.PixelTarget;
import org.dckd.losses.pixel.PixelTerm;
import org.dckd.nn.DjlRuntime;
import org.dckd.nn.TappedOutput;
import org.dckd.nn.TorchConv2d;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Informational cost of each term per training step (not a test; nothing is asserted). Run with
 * <pre>
 * mvn -q -B -o test -pl dckd-losses -am -Ddckd.test.threads=2 -Ddckd.bench=true -Dtest=TermCostBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * Setup: batch 16, LR 48x48 -> HR 192x192 (x4); student RLFN-S (48 channels, 6 blocks), teacher RLFN (52 channels,
 * frozen). A step = teacher forward when needed (no gradient) + student forward with taps + the loss + backward. Each
 * term is measured together with {@code l_pix} and reported as the step time minus an {@code l_pix}-only step measured
 * right before it; wall time and process CPU time (less sensitive to other processes on a shared machine).
 */
class TermCostBenchmark {

    static {
        DjlRuntime.ensureOffline();
    }

    private static final int BATCH = 16;
    private static final int LR = 48;
    private static final int SCALE = 4;
    private static final int WARMUP = 2;
    private static final int RUNS = 7;

    private SrBackbone student;
    private SrBackbone teacher;
    private NDManager base;

    @Test
    @EnabledIfSystemProperty(named = "dckd.bench", matches = "true")
    void measure() throws IOException {
        base = NDManager.newBaseManager();
        student = new RlfnConfig(SCALE, 48, 48, 6, 16, 1f).build();
        teacher = new RlfnConfig(SCALE, 52, 52, 6, 16, 1f).build();
        student.initialize(base);
        teacher.initialize(base);
        for (Parameter p : teacher.getParameters().values()) {
            p.getArray().setRequiresGradient(false); // frozen: no autograd graph for teacher passes
        }
        TrainingRoles roles = new TrainingRoles(student, teacher, null, base, 0);
        List<String> taps = List.of("block_1", "block_3", "block_6");
        PixelTerm pix = new PixelTerm("l_pix", 1f, PixelDistance.l1(), PixelTarget.HR, Reduction.MEAN);

        Map<String, Supplier<LossTerm>> rows = new LinkedHashMap<>();
        rows.put("l1 target teacher (l_kd)",
                () -> new PixelTerm("l_kd", 1f, PixelDistance.l1(), PixelTarget.TEACHER, Reduction.MEAN));
        rows.put("charbonnier target hr",
                () -> new PixelTerm("l_cb", 1f, PixelDistance.charbonnier(1e-3), PixelTarget.HR, Reduction.MEAN));
        rows.put("lcr", () -> new LabelConsistencyTerm("l_lcr", 1f, Reduction.MEAN, 0.5));
        rows.put("dukd_zoom_in (tiles 1)", () -> new DukdZoomInTerm("l_zoom_in", 1f, Reduction.MEAN, 1));
        rows.put("csd (stand-in 5-level encoder, rolled x1)", () -> CsdTerm.withEncoder("l_csd", 1f, standInEncoder(),
                CsdTerm.Positive.TEACHER, CsdTerm.Negatives.ROLLED, 1, List.of(1f / 32, 1f / 16, 1f / 8, 1f / 4, 1f)));
        rows.put("fakd pool 2 (3 pairs)", () -> new FakdTerm("l_fakd", 10f, taps, taps, 2, FakdTerm.Connector.NONE));
        rows.put("fakd pool 1 (3 pairs, official)",
                () -> new FakdTerm("l_fakd", 10f, taps, taps, 1, FakdTerm.Connector.NONE));
        rows.put("fakd pool 1 + connectors 48->52",
                () -> new FakdTerm("l_fakd", 10f, taps, taps, 1, FakdTerm.Connector.MISMATCHED));

        StringBuilder text = new StringBuilder();
        java.util.function.Consumer<String> report = line -> {
            System.out.print(line);
            System.out.flush();
            text.append(line);
        };
        report.accept("threads " + System.getProperty("ai.djl.pytorch.num_threads") + ", cpu " + cpuModel()
                + ", median of " + RUNS + " steps after " + WARMUP + " warm-up steps\n");
        report.accept(String.format("%-42s %9s %9s %9s %9s %9s%n", "term (+ l_pix)", "wall ms", "extra", "cpu ms",
                "extra", "peak MB"));
        double[] teacherOnly = time(List.of(), true, LR);
        report.accept(String.format("%-42s %9.0f %9s %9.0f %9s %9d%n", "teacher forward only (no grad)",
                teacherOnly[0], "", teacherOnly[1], "", peakRssMb()));
        for (Map.Entry<String, Supplier<LossTerm>> row : rows.entrySet()) {
            double[] baseline = time(List.of(pix), false, LR); // re-measured next to every row (shared machine)
            try (LossTerm term = row.getValue().get()) {
                term.attach(roles);
                double[] t = time(List.of(pix, term), false, LR);
                report.accept(String.format("%-42s %9.0f %9.0f %9.0f %9.0f %9d%n", row.getKey(), t[0],
                        t[0] - baseline[0], t[1], t[1] - baseline[1], peakRssMb()));
            }
        }
        double[] baseline = time(List.of(pix), false, LR);
        report.accept(String.format("%-42s %9.0f %9s %9.0f %9s %9d%n", "l_pix only (student fwd+bwd)", baseline[0],
                "", baseline[1], "", peakRssMb()));
        // zoom-out needs LR >= 60 with RLFN at x4 (12x12 is below RLFN's minimum input of 15)
        double[] baseline64 = time(List.of(pix), false, 64);
        report.accept(String.format("%-42s %9.0f %9s %9.0f %9s %9d%n", "l_pix only, LR 64", baseline64[0], "",
                baseline64[1], "", peakRssMb()));
        try (LossTerm zoomOut = new DukdZoomOutTerm("l_zoom_out", 1f, Reduction.MEAN)) {
            zoomOut.attach(roles);
            double[] t = time(List.of(pix, zoomOut), false, 64);
            report.accept(String.format("%-42s %9.0f %9.0f %9.0f %9.0f %9d%n", "dukd_zoom_out, LR 64", t[0],
                    t[0] - baseline64[0], t[1], t[1] - baseline64[1], peakRssMb()));
        }
        Path out = Path.of("target", "term-cost.txt");
        Files.writeString(out, text.toString());
        base.close();
    }

    /** Median wall time and median process CPU time of a step, in ms. */
    private double[] time(List<LossTerm> terms, boolean teacherOnly, int lrSize) {
        java.util.Random random = new java.util.Random(1);
        float[] lrValues = new float[BATCH * 3 * lrSize * lrSize];
        float[] hrValues = new float[lrValues.length * SCALE * SCALE];
        for (int i = 0; i < lrValues.length; i++) {
            lrValues[i] = random.nextFloat();
        }
        for (int i = 0; i < hrValues.length; i++) {
            hrValues[i] = random.nextFloat();
        }
        double[] ms = new double[RUNS];
        double[] cpu = new double[RUNS];
        var os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        DistillationLoss loss = terms.isEmpty() ? null : new DistillationLoss(terms);
        for (int i = 0; i < WARMUP + RUNS; i++) {
            long t0 = System.nanoTime();
            long c0 = os.getProcessCpuTime();
            try (NDManager step = base.newSubManager()) {
                // the batch belongs to the step: network outputs land in the manager of their input
                NDArray lr = step.create(lrValues, new Shape(BATCH, 3, lrSize, lrSize));
                NDArray hr = step.create(hrValues, new Shape(BATCH, 3, lrSize * SCALE, lrSize * SCALE));
                ParameterStore ps = new ParameterStore(step, false);
                boolean needsTeacherOutput = teacherOnly || (loss != null && (loss.requirements().contains(
                        LossTerm.Requirement.TEACHER_OUTPUT) || !loss.teacherTaps().isEmpty()));
                TappedOutput t = needsTeacherOutput ? teacher.forwardWithFeatures(ps, lr, false) : null;
                if (loss != null) {
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        TappedOutput s = student.forwardWithFeatures(ps, lr, true);
                        UnaryOperator<NDArray> studentOp =
                                x -> student.forward(ps, new NDList(x), true).singletonOrThrow();
                        UnaryOperator<NDArray> teacherOp =
                                x -> teacher.forward(ps, new NDList(x), false).singletonOrThrow();
                        LossContext c = new LossContext(step, i + 1, lr, hr, s.output(),
                                t == null ? null : t.output(), s.features(), t == null ? Map.of() : t.features(),
                                studentOp, teacherOp, 1000 + i);
                        gc.backward(loss.compute(c).total());
                    }
                } else {
                    t.output().toFloatArray();
                }
            }
            if (i >= WARMUP) {
                ms[i - WARMUP] = (System.nanoTime() - t0) / 1e6;
                cpu[i - WARMUP] = (os.getProcessCpuTime() - c0) / 1e6;
            }
        }
        Arrays.sort(ms);
        Arrays.sort(cpu);
        return new double[] {ms[RUNS / 2], cpu[RUNS / 2]};
    }

    /** A VGG-like stand-in: 5 levels of conv3x3 + ReLU, channels 16..128, average pooling between levels. */
    private FeatureLevels standInEncoder() {
        int[] channels = {16, 32, 64, 128, 128};
        List<TorchConv2d> convs = new ArrayList<>();
        int in = 3;
        for (int c : channels) {
            TorchConv2d conv = TorchConv2d.same(in, c, 3);
            conv.initialize(base, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, in, 8, 8));
            conv.getParameters().values().forEach(p -> p.getArray().setRequiresGradient(false));
            convs.add(conv);
            in = c;
        }
        return x -> {
            ParameterStore ps = new ParameterStore(x.getManager(), false);
            List<NDArray> out = new ArrayList<>();
            NDArray h = x;
            for (int i = 0; i < convs.size(); i++) {
                if (i > 0) {
                    h = ai.djl.nn.pooling.Pool.avgPool2d(h, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false,
                            true);
                }
                h = ai.djl.nn.Activation.relu(convs.get(i).apply(ps, h, false));
                out.add(h);
            }
            return out;
        };
    }

    private static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
        return "unknown";
    }
}
