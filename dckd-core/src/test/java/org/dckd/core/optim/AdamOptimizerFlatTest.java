package org.dckd.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.initializer.ConstantInitializer;

import org.dckd.checkpoint.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The flat-buffer (multi-tensor) Adam against the former parameter-by-parameter implementation on parameters of many
 * shapes: the same element-wise arithmetic, so every parameter and moment is bit-identical after every step, and the
 * saved state has the same keys and values; restoring it continues identically.
 */
class AdamOptimizerFlatTest {

    private static final List<Shape> SHAPES = List.of(new Shape(8, 3, 3, 3), new Shape(8), new Shape(1),
            new Shape(12, 8, 1, 1), new Shape(12), new Shape(5, 7));

    private static Map<String, Parameter> parameters(NDManager m, long seed) {
        Random r = new Random(seed);
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (int i = 0; i < SHAPES.size(); i++) {
            Parameter p = Parameter.builder().setName("p" + i).setType(Parameter.Type.WEIGHT).optShape(SHAPES.get(i))
                    .optInitializer(new ConstantInitializer(0)).build();
            p.initialize(m, DataType.FLOAT32);
            float[] v = new float[(int) SHAPES.get(i).size()];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) r.nextGaussian();
            }
            p.getArray().set(v);
            p.getArray().setRequiresGradient(true);
            out.put("net.p" + i, p);
        }
        return out;
    }

    /** Gradients {@code g} arrive through backward of {@code sum(p * g)}, as in training. */
    private static void backward(NDManager m, Map<String, Parameter> params, int step) {
        Random r = new Random(1000 + step);
        try (NDManager scope = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = null;
            for (Parameter p : params.values()) {
                float[] g = new float[(int) p.getArray().size()];
                for (int j = 0; j < g.length; j++) {
                    g[j] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(5) - 3));
                }
                NDArray term = p.getArray().mul(scope.create(g, p.getArray().getShape())).sum();
                loss = loss == null ? term : loss.add(term);
            }
            gc.backward(loss);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"adam", "adam_l2", "adamw"})
    void bitIdenticalToTheParameterByParameterUpdate(String variant) {
        float wd = variant.equals("adam") ? 0f : 0.05f;
        boolean decoupled = variant.equals("adamw");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, Parameter> a = parameters(m, 3);
            Map<String, Parameter> b = parameters(m, 3);
            AdamOptimizer flat = new AdamOptimizer(a, 0.9f, 0.99f, 1e-8f, wd, decoupled);
            PerParameterAdam reference = new PerParameterAdam(b, 0.9f, 0.99f, 1e-8f, wd, decoupled);
            for (int step = 1; step <= 6; step++) {
                backward(m, a, step);
                backward(m, b, step);
                double lr = 1e-3 / step;
                flat.step(lr);
                reference.step(lr);
                for (String k : a.keySet()) {
                    assertArrayEquals(b.get(k).getArray().toFloatArray(), a.get(k).getArray().toFloatArray(),
                            variant + " step " + step + " " + k);
                    try (NDArray g = a.get(k).getArray().getGradient()) {
                        assertEquals(0f, g.abs().sum().getFloat(), "gradients are zeroed");
                    }
                }
            }
            Map<String, Tensor> fs = flat.state();
            Map<String, Tensor> rs = reference.state();
            assertEquals(rs.keySet(), fs.keySet());
            rs.forEach((k, v) -> assertTrue(v.contentEquals(fs.get(k)), k));

            // a restored optimizer continues bit for bit
            Map<String, Parameter> c = parameters(m, 3);
            for (String k : a.keySet()) {
                c.get(k).getArray().set(a.get(k).getArray().toFloatArray());
            }
            AdamOptimizer resumed = new AdamOptimizer(c, 0.9f, 0.99f, 1e-8f, wd, decoupled);
            resumed.loadState(fs);
            backward(m, a, 7);
            backward(m, c, 7);
            flat.step(1e-4);
            resumed.step(1e-4);
            for (String k : a.keySet()) {
                assertArrayEquals(a.get(k).getArray().toFloatArray(), c.get(k).getArray().toFloatArray(), k);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"exp_avg.net.p3", "exp_avg_sq.net.p0"})
    void aMissingOrMisShapedStateEntryIsNamed(String key) {
        try (NDManager m = NDManager.newBaseManager()) {
            AdamOptimizer opt = new AdamOptimizer(parameters(m, 1), 0.9f, 0.99f, 1e-8f, 0f, false);
            Map<String, Tensor> state = new LinkedHashMap<>(opt.state());
            state.remove(key);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.loadState(state));
            assertTrue(e.getMessage().contains(key), e.getMessage());
            state.put(key, Tensor.ofFloats(new long[] {2}, new float[2]));
            e = assertThrows(IllegalArgumentException.class, () -> opt.loadState(state));
            assertTrue(e.getMessage().contains(key), e.getMessage());
        }
    }
}
