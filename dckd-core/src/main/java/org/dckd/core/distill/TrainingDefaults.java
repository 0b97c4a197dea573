package org.dckd.core.distill;

import org.dckd.core.optim.LearningRateSchedule;

/**
 * The defaults of a training run (the DCKD recipe), defined once: the experiment config's omitted keys and the
 * {@link Distiller.Builder}'s unset options take these values.
 */
public final class TrainingDefaults {

    /** The optimizer's base learning rate. */
    public static final double LEARNING_RATE = 1e-4;
    /** Adam's first-moment decay. */
    public static final double BETA1 = 0.9;
    /** Adam's second-moment decay (0.99 in the DCKD recipe; PyTorch's default is 0.999). */
    public static final double BETA2 = 0.99;
    /** Adam's epsilon. */
    public static final double EPS = 1e-8;
    /** Weight decay (none). */
    public static final double WEIGHT_DECAY = 0;
    /** Whether weight decay is decoupled (AdamW): no, plain Adam. */
    public static final boolean DECOUPLED_WEIGHT_DECAY = false;
    /** The student EMA decay (0 turns EMA off). */
    public static final float EMA_DECAY = 0.999f;
    /** Whether the EMA decay warms up as {@code min(decay, (1 + t) / (10 + t))}. */
    public static final boolean EMA_WARMUP = true;
    /** The global gradient-norm clip (0: off). */
    public static final float GRAD_CLIP = 0f;
    /** The run seed (the DCKD recipe's). */
    public static final long SEED = 10;
    /** Warm-up iterations of the default (constant) learning-rate schedule. */
    public static final long SCHEDULE_WARMUP = 0;
    /** Metrics row interval of the training loop, in iterations. */
    public static final int LOG_EVERY = 100;
    /** Validation interval of the training loop, in iterations. */
    public static final int VALIDATE_EVERY = 5000;
    /** Checkpoint interval of the training loop, in iterations. */
    public static final int CHECKPOINT_EVERY = 5000;
    /** Newest checkpoints kept besides the best (0 keeps all). */
    public static final int KEEP_CHECKPOINTS = 3;

    private TrainingDefaults() {}

    /** The default learning-rate schedule: constant, without warm-up. */
    public static LearningRateSchedule schedule() {
        return LearningRateSchedule.Constant.of(SCHEDULE_WARMUP);
    }
}
