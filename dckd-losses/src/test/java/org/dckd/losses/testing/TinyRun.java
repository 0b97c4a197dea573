package org.dckd.losses.testing;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import org.dckd.backbones.SrBackbone;
import org.dckd.backbones.rlfn.RlfnConfig;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.WeightLoader;
import org.dckd.losses.LossContext;
import org.dckd.losses.TrainingRoles;
import org.dckd.nn.TorchModule;

/**
 * A tiny distillation run for tests: an RLFN x2 student (8 channels, 1 block), a wider frozen teacher, the student's
 * EMA (a frozen copy), all in one long-lived manager; LR patches 16x16 on [0, 1].
 */
public final class TinyRun implements AutoCloseable {

    /** The long-lived manager. */
    public final NDManager manager = NDManager.newBaseManager();
    /** The student. */
    public final SrBackbone student;
    /** The teacher (frozen). */
    public final SrBackbone teacher;
    /** The EMA (frozen; starts as a copy of the student). */
    public final SrBackbone ema;
    /** The roles. */
    public final TrainingRoles roles;

    /**
     * Creates the networks.
     *
     * @param studentRange the student's input range (1 or 255)
     * @param seed the run seed
     */
    public TinyRun(float studentRange, long seed) {
        ai.djl.engine.Engine.getInstance().setRandomSeed(1234);
        RlfnConfig s = new RlfnConfig(2, 8, 8, 1, 4, studentRange);
        student = s.build();
        student.initialize(manager);
        teacher = new RlfnConfig(2, 12, 12, 1, 4, 1f).build();
        teacher.initialize(manager);
        teacher.freezeParameters(true);
        ema = s.build();
        ema.initialize(manager);
        WeightLoader.load(ema, StateDict.of(student));
        ema.freezeParameters(true);
        roles = new TrainingRoles(student, teacher, ema, manager, seed);
    }

    /** A random LR batch of two 16x16 images in {@code m}. */
    public NDArray lr(NDManager m) {
        return m.randomUniform(0, 1, new Shape(2, 3, 16, 16));
    }

    /**
     * The context of one step: the student output recorded for gradients (call inside a gradient collector), the
     * teacher output without.
     */
    public LossContext context(NDManager step, NDArray lr, long iteration, long sampleSeed) {
        ParameterStore ps = new ParameterStore(step, false);
        NDArray s = student.forward(ps, new NDList(lr), true).singletonOrThrow();
        NDArray t = teacher.forward(ps, new NDList(lr), false).singletonOrThrow();
        NDArray hr = step.randomUniform(0, 1, s.getShape());
        return new LossContext(step, iteration, lr, hr, s, t, Map.of(), Map.of(), null, null, sampleSeed);
    }

    /** A copy of every parameter's values, by key. */
    public static Map<String, float[]> snapshot(ai.djl.nn.Block block) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : TorchModule.parameters(block).entrySet()) {
            out.put(e.getKey(), e.getValue().getArray().toFloatArray());
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
