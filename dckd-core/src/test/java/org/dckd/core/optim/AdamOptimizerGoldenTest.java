package org.dckd.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.initializer.ConstantInitializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.dckd.checkpoint.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our Adam/AdamW against torch.optim (PyTorch 1.13) on fixed gradients and a changing learning rate. */
class AdamOptimizerGoldenTest {

    @ParameterizedTest
    @ValueSource(strings = {"adam", "adam_l2", "adamw"})
    void matchesTorchOptim(String name) throws Exception {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/golden/adam_golden.json")) {
            root = new ObjectMapper().readTree(in);
        }
        JsonNode c = root.get("cases").get(name);
        JsonNode kw = c.get("kwargs");
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(3, 4)).optInitializer(new ConstantInitializer(0)).build();
            p.initialize(m, DataType.FLOAT32);
            p.getArray().set(floats(root.get("p0")));
            p.getArray().setRequiresGradient(true);
            AdamOptimizer opt = new AdamOptimizer(Map.of("w", p), (float) kw.get("betas").get(0).asDouble(),
                    (float) kw.get("betas").get(1).asDouble(), (float) kw.get("eps").asDouble(),
                    (float) kw.get("weight_decay").asDouble(), name.equals("adamw"));
            for (int i = 0; i < root.get("grads").size(); i++) {
                // d/dp sum(p * g) = g: the gradient arrives through backward, as in training
                try (NDManager step = m.newSubManager();
                        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray g = step.create(floats(root.get("grads").get(i)), new Shape(3, 4));
                    gc.backward(p.getArray().mul(g).sum());
                }
                opt.step(c.get("lrs").get(i).asDouble());
            }
            assertClose(floats(c.get("param")), p.getArray().toFloatArray(), name + " param");
            Map<String, Tensor> state = opt.state();
            assertClose(floats(c.get("exp_avg")), state.get("exp_avg.w").toFloatArray(), name + " exp_avg");
            assertClose(floats(c.get("exp_avg_sq")), state.get("exp_avg_sq.w").toFloatArray(), name + " exp_avg_sq");
            assertEquals(5, opt.stepCount());
        }
    }

    private static float[] floats(JsonNode n) {
        float[] out = new float[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) n.get(i).asDouble();
        }
        return out;
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6f + 1e-5f * Math.abs(expected[i]), what + "[" + i + "]");
        }
    }
}
