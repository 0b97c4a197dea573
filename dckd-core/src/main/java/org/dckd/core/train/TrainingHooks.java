package org.dckd.core.train;

import java.util.List;

import org.dckd.core.distill.StepResult;

/** Callbacks of a {@link TrainingLoop} (progress bars, custom logging). All methods default to doing nothing. */
public interface TrainingHooks {

    /** After every step. */
    default void onStep(StepResult step, long totalIterations) {}

    /** After every logged row (means over the logging interval). */
    default void onLog(MetricsLog.Row row) {}

    /** After every validation. */
    default void onValidation(long iteration, List<MetricsLog.ValidationRow> rows, boolean best) {}

    /** After every saved checkpoint. */
    default void onCheckpoint(CheckpointStore.Saved saved) {}
}
