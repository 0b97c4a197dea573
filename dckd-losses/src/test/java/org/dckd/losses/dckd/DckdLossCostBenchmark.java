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
        if (only.isEmpty() || only.contains("random")) {
            run("dcr random", ContrastiveRegularizationConfig.defaults().withEncoder(random).build());
            run("dmm random (k-means K=256)", DistributionMappingConfig.defaults()
                    .with(random, CodebookConfig.kmeans(256, 1, 0)).build());
        }
        if (only.isEmpty() || only.contains("vqgan")) {
            run("dcr vqgan ch32", ContrastiveRegularizationConfig.defaults().withEncoder(vqgan).build());
            run("dmm vqgan ch32", DistributionMappingConfig.defaults().with(vqgan, CodebookConfig.defaults()).build());
        }
        if (only.contains("wide")) {
            run("dcr random 128..512", ContrastiveRegularizationConfig.defaults().withEncoder(
                    RandomEncoderConfig.of(List.of(128, 128, 256, 256, 512), null, null)).build());
        }
    }

    private static void run(String label, LossTerm term) {
        try (NDManager manager = NDManager.newBaseManager()) {
            SrBackbone student = new RlfnConfig(4, 48, 48, 4, 16, 1f).build();
            student.initialize(manager);
            term.attach(new TrainingRoles(student, null, null, manager, 10));
            double total = 0;
            for (int step = 0; step <= STEPS; step++) {
                try (NDManager s = manager.newSubManager()) {
                    NDArray lr = s.randomUniform(0, 1, new Shape(BATCH, 3, LR, LR));
                    NDArray teacher = s.randomUniform(0, 1, new Shape(BATCH, 3, 4 * LR, 4 * LR));
                    NDArray out = teacher.add(s.randomNormal(0, 0.05f, teacher.getShape(), teacher.getDataType()));
                    out.setRequiresGradient(true);
                    long t0 = System.nanoTime();
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        LossContext ctx = new LossContext(s, step + 1, lr, teacher, out, teacher, Map.of(), Map.of(),
                                null, null, step);
                        NDArray v = term.compute(ctx);
                        gc.backward(v);
                        out.getGradient().sum().getFloat();
                    }
                    double sec = (System.nanoTime() - t0) / 1e9;
                    if (step > 0) {
                        total += sec;
                    }
                    System.out.printf("  %-28s step %d: %.2f s%s%n", label, step, sec, step == 0 ? " (warm-up)" : "");
                }
            }
            System.out.printf("%-30s mean %.2f s/step over %d steps, peak RSS %s%n", label, total / STEPS, STEPS,
                    peakRss());
        }
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
