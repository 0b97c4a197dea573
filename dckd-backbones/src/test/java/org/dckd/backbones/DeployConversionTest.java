package org.dckd.backbones;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.dckd.nn.reparam.ConvKernel;
import org.dckd.nn.reparam.ReparameterizableBlock;
import org.junit.jupiter.api.Test;

/**
 * The per-block check of {@link DeployConversion}: a block whose merged kernel is its function passes at float32
 * rounding, one whose merged kernel is wrong is measured far above {@link DeployConversion#PROBE_TOLERANCE}. The
 * networks' own merges are checked through {@code DeployConversion.of} in the SPAN and LIPT tests.
 */
class DeployConversionTest {

    /** {@code y = 2 x} on 3 channels; its "merged kernel" is {@code factor} times the identity. */
    private static final class Doubling extends AbstractBlock implements ReparameterizableBlock {

        private final float factor;

        Doubling(float factor) {
            super((byte) 1);
            this.factor = factor;
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> params) {
            return new NDList(inputs.singletonOrThrow().mul(2));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }

        @Override
        public ConvKernel mergedKernel() {
            float[] w = ConvKernel.identity(3, 3).weightValues();
            for (int i = 0; i < w.length; i++) {
                w[i] *= factor;
            }
            return ConvKernel.of(3, 3, 3, 3, w, new float[3]);
        }

        @Override
        public String deployConvolutionName() {
            return "";
        }
    }

    @Test
    void aBlockIsCheckedAgainstItsOwnMergedKernel() {
        try (NDManager m = NDManager.newBaseManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            Doubling right = new Doubling(2);
            right.initialize(m, DataType.FLOAT32, new Shape(1, 3, 8, 8));
            assertEquals(0.0, DeployConversion.blockDifference(right, m, ps, new Random(0)), 1e-7);
            Doubling wrong = new Doubling(1.9f);
            wrong.initialize(m, DataType.FLOAT32, new Shape(1, 3, 8, 8));
            double d = DeployConversion.blockDifference(wrong, m, ps, new Random(0));
            assertEquals(0.05, d, 1e-6, "|2x - 1.9x| / max|2x|");
            assertTrue(d > DeployConversion.PROBE_TOLERANCE);
        }
    }
}
