package org.dckd.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.ConstantInitializer;

import org.junit.jupiter.api.Test;

class ExponentialMovingAverageTest {

    private static Parameter param(NDManager m, float value) {
        Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).optShape(new Shape(2))
                .optInitializer(new ConstantInitializer(value)).build();
        p.initialize(m, DataType.FLOAT32);
        return p;
    }

    @Test
    void warmUpFollowsOnePlusTOverTenPlusT() {
        try (NDManager m = NDManager.newBaseManager()) {
            ExponentialMovingAverage warm = new ExponentialMovingAverage(Map.of("w", param(m, 0)),
                    Map.of("w", param(m, 0)), 0.999f, true);
            assertEquals(2f / 11f, warm.decayAt(1), 1e-7f);
            assertEquals(0.5f, warm.decayAt(8), 1e-7f);
            assertEquals(0.999f, warm.decayAt(100_000), 0f);
            ExponentialMovingAverage plain = new ExponentialMovingAverage(Map.of("w", param(m, 0)),
                    Map.of("w", param(m, 0)), 0.999f, false);
            assertEquals(0.999f, plain.decayAt(1), 0f);
        }
    }

    @Test
    void updateMovesTheAverageTowardsTheSource() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter src = param(m, 0);
            Parameter avg = param(m, 5);
            ExponentialMovingAverage ema = new ExponentialMovingAverage(Map.of("w", src), Map.of("w", avg), 0.9f, false);
            assertEquals(0f, avg.getArray().toFloatArray()[0], 0f, "the average starts as a copy of the source");
            src.getArray().set(new float[] {1, 1});
            ema.update(1);
            assertEquals(0.1f, avg.getArray().toFloatArray()[0], 1e-7f);
            ema.update(2);
            assertEquals(0.19f, avg.getArray().toFloatArray()[1], 1e-6f);
        }
    }
}
