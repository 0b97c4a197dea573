package org.dckd.losses.dckd;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.dckd.backbones.SrBackbone;
import org.dckd.backbones.rlfn.RlfnConfig;
import org.dckd.losses.LossContext;
import org.dckd.losses.LossTerm;
import org.dckd.losses.TrainingRoles;
import org.dckd.losses.encoders.EncoderConfig;
import org.dckd.losses.encoders.RandomEncoderConfig;
import org.dckd.losses.testing.DckdGolden;
import org.junit.jupiter.api.Test;

/**
 * Informational cost of the DCKD terms per training step (not a unit test; nothing is asserted): batch 16, LR 48x48,
 * x4 student output 192x192, forward of the term plus the backward pass to the student output. Run with
 * {@code mvn -o test -pl dckd-losses -am -Dtest=DckdLossCostBenchmark -Ddckd.bench=true}; the history model is an
 * RLFN-like student (48 channels, 4 blocks).
 */
class DckdLossCostBenchmark {

    private static final int BATCH = Integer.getInteger("dckd.bench.batch", 16);
    private static final int LR = 48;
    private static final int STEPS = Integer.getInteger("dckd.bench.steps", 3);

    @Test
    void measure() {
        assumeTrue(Boolean.getBoolean("dckd.bench"), "set -Ddckd.bench=true to measure");
        System.out.printf("threads %s, batch %d, LR %dx%d -> HR %dx%d%n",
                System.getProperty("ai.djl.pytorch.num_threads"), BATCH, LR, LR, 4 * LR, 4 * LR);
        String only = System.getProperty("dckd.bench.only", "");
        EncoderConfig random = RandomEncoderConfig.defaults();
        EncoderConfig vqgan = DckdGolden.vqganConfig();
        for (String spec : System.getProperty("dckd.bench.random", "").split(";")) {
            if (!spec.isBlank()) {
                String[] p = spec.split(":");
                EncoderConfig variant = RandomEncoderConfig.builder().optChannels(java.util.Arrays.stream(p[0].split(","))
                        .map(Integer::valueOf).toList()).optConvsPerLevel(Integer.parseInt(p[1])).build();
                run("dcr random " + spec, ContrastiveRegularizationConfig.defaults().withEncoder(variant).build());
            }
        }
        if (only.isEmpty() || only.contains("history")) {
            historyCost();
        }
        if (only.isEmpty() || only.contains("random")) {
            run("dcr random", ContrastiveRegularizationConfig.defaults().withEncoder(random).build());
            run("dmm random (k-means K=256)", DistributionMappingConfig.defaults()
                    .with(random, CodebookConfig.kmeans(256, 1, 0)).build());
            run("dcr + dmm random (shared)", ContrastiveRegularizationConfig.defaults().withEncoder(random).build(),
                    DistributionMappingConfig.defaults().with(random, CodebookConfig.kmeans(256, 1, 0)).build());
        }
        if (only.isEmpty() || only.contains("vqgan")) {
            run("dcr vqgan ch32", ContrastiveRegularizationConfig.defaults().withEncoder(vqgan).build());
            run("dmm vqgan ch32", DistributionMappingConfig.defaults().with(vqgan, CodebookConfig.defaults()).build());
            run("dcr + dmm vqgan ch32 (shared)", ContrastiveRegularizationConfig.defaults().withEncoder(vqgan).build(),
                    DistributionMappingConfig.defaults().with(vqgan, CodebookConfig.defaults()).build());
        }
        if (only.contains("wide")) {
            run("dcr random 128..512", ContrastiveRegularizationConfig.defaults().withEncoder(
                    RandomEncoderConfig.builder().optChannels(List.of(128, 128, 256, 256, 512)).build()).build());
        }
    }

    /** The history model's share: 5 forward passes of the student architecture on the LR batch, no gradient. */
    private static void historyCost() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SrBackbone student = new RlfnConfig(4, 48, 48, 4, 16, 1f).build();
            student.initialize(manager);
            HistoryModel history = HistoryModel.create(new TrainingRoles(student, null, student, manager, 10),
                    HistoryConfig.defaults());
            double total = 0;
            for (int step = 0; step <= STEPS; step++) {
                try (NDManager s = manager.newSubManager()) {
                    NDArray lr = s.randomUniform(0, 1, new Shape(BATCH, 3, LR, LR));
                    long t0 = System.nanoTime();
                    for (int j = 0; j < 5; j++) {
                        history.run(lr).sum().getFloat();
                    }
                    if (step > 0) {
                        total += (System.nanoTime() - t0) / 1e9;
                    }
                }
            }
            System.out.printf("%-34s mean %.2f s/step wall (5 x batch %d, RLFN 48 ch, 4 blocks)%n",
                    "history model share", total / STEPS, BATCH);
        }
    }

    private static void run(String label, LossTerm... terms) {
        try (NDManager manager = NDManager.newBaseManager()) {
            SrBackbone student = new RlfnConfig(4, 48, 48, 4, 16, 1f).build();
            student.initialize(manager);
            for (LossTerm term : terms) {
                term.attach(new TrainingRoles(student, null, null, manager, 10));
            }
            double total = 0;
            double cpuTotal = 0;
            for (int step = 0; step <= STEPS; step++) {
                try (NDManager s = manager.newSubManager()) {
                    NDArray lr = s.randomUniform(0, 1, new Shape(BATCH, 3, LR, LR));
                    NDArray teacher = s.randomUniform(0, 1, new Shape(BATCH, 3, 4 * LR, 4 * LR));
                    NDArray out = teacher.add(s.randomNormal(0, 0.05f, teacher.getShape(), teacher.getDataType()));
                    out.setRequiresGradient(true);
                    long t0 = System.nanoTime();
                    long c0 = processCpuNanos();
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        LossContext ctx = new LossContext(s, step + 1, lr, teacher, out, teacher, Map.of(), Map.of(),
                                null, null, step);
                        NDArray v = null;
                        for (LossTerm term : terms) {
                            NDArray t = term.compute(ctx).mul(term.weight());
                            v = v == null ? t : v.add(t);
                        }
                        gc.backward(v);
                        out.getGradient().sum().getFloat();
                    }
                    double sec = (System.nanoTime() - t0) / 1e9;
                    double cpu = (processCpuNanos() - c0) / 1e9;
                    if (step > 0) {
                        total += sec;
                        cpuTotal += cpu;
                    }
                    System.out.printf("  %-32s step %d: %.2f s wall, %.2f s CPU%s%n", label, step, sec, cpu,
                            step == 0 ? " (warm-up)" : "");
                }
            }
            System.out.printf("%-34s mean %.2f s/step wall, %.2f s/step CPU over %d steps, load %.1f, peak RSS %s%n",
                    label, total / STEPS, cpuTotal / STEPS, STEPS,
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    peakRss());
        }
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os =
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    private static String peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM")) {
                    return line.substring(6).trim();
                }
            }
        } catch (IOException e) {
            return "?";
        }
        return "?";
    }
}
