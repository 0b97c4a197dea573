package org.dckd.losses.dckd;

import ai.djl.ndarray.NDArray;

import org.dckd.losses.SharedComputations;
import org.dckd.losses.encoders.FeatureEncoder;
import org.dckd.losses.encoders.FeatureEncoder.Pass;

/**
 * The encoder passes over the step's student and teacher outputs that DCKD's terms share: DCR (anchor and positive
 * features) and DMM (their encodings) read the same pass, computed by whichever term asks first and stored in the
 * step's {@link SharedComputations} under a key naming the encoder, the operand and the rows. Terms on different
 * encoders, or chunking the batch differently, compute their own.
 */
public final class EncodedOutputs {

    /** Which network output a pass encodes. */
    public enum Operand {
        /** {@code S(lr)}, recorded for gradients (DCR's anchor). */
        STUDENT_OUTPUT,
        /** {@code T(lr)}, no gradient (DCR's positive). */
        TEACHER_OUTPUT
    }

    private record Key(FeatureEncoder encoder, Operand operand, long start, long end) {}

    private EncodedOutputs() {}

    /**
     * The pass of {@code encoder} over rows {@code [start, end)} of an output, computed once per step.
     *
     * @param shared the step's store
     * @param encoder the encoder
     * @param operand which output
     * @param images the output batch
     * @param start the first row
     * @param end one past the last row
     * @return the pass (belongs to {@code images}' manager; do not close)
     */
    public static Pass pass(SharedComputations shared, FeatureEncoder encoder, Operand operand, NDArray images,
            long start, long end) {
        return shared.computeIfAbsent(new Key(encoder, operand, start, end), Pass.class,
                () -> encoder.pass(images, start, end));
    }

    /**
     * The pass if a term already computed it in this step.
     *
     * @return the pass, or {@code null}
     */
    static Pass find(SharedComputations shared, FeatureEncoder encoder, Operand operand, long start, long end) {
        return shared.get(new Key(encoder, operand, start, end), Pass.class);
    }

    /** Stores a pass computed as part of a larger batch. */
    static void put(SharedComputations shared, FeatureEncoder encoder, Operand operand, long start, long end,
            Pass pass) {
        shared.put(new Key(encoder, operand, start, end), pass);
    }
}
