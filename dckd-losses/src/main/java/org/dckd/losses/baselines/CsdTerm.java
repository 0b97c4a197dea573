package org.dckd.losses.baselines;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

import com.fasterxml.jackson.annotation.JsonValue;

import org.dckd.losses.LossContext;
import org.dckd.losses.TrainingRoles;
import org.dckd.losses.WeightedTerm;
import org.dckd.nn.Roll;

/**
 * A CSD-style contrastive term (Wang et al., IJCAI 2021): in the feature space of a frozen extractor, pull the student
 * output (anchor) towards the teacher output (or HR) and push it away from bicubic upsamplings of LR inputs, with
 * {@link CsdContrast#l1Forward} (the official {@code ContrastLoss.L1_forward}).
 *
 * <p>Negatives ({@link Negatives}): {@code rolled} (default) gives sample {@code b} the upsampled LR of the
 * {@code num_negatives} samples before it in the batch (the batch rolled by 1..k, so a sample never meets its own
 * LR); {@code batch} is the official CSD trainer ({@code upsampler(torch.flip(lr, [0]))} passed as shared negatives):
 * every upsampled LR of the batch, the anchor's own included, is a negative for every sample. The upsampling is
 * PyTorch's bicubic ({@link BicubicResize#torchUpsample}). The negatives are encoded once per step; rolling happens on
 * the features (the extractor works per sample).
 */
public final class CsdTerm extends WeightedTerm {

    /** How negatives are drawn from the batch. */
    public enum Negatives {
        /** Sample {@code b} gets the upsampled LR of samples {@code b-1 .. b-k} (mod B). */
        ROLLED,
        /** Every upsampled LR of the batch is a negative for every sample (official CSD trainer). */
        BATCH;

        /** The config spelling. */
        @JsonValue
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What the anchor is pulled towards. */
    public enum Positive {
        /** The teacher output (CSD default). */
        TEACHER,
        /** The HR patch (CSD's {@code --gt_as_pos}). */
        HR;

        /** The config spelling. */
        @JsonValue
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Function<TrainingRoles, FeatureLevels> encoderFactory;
    private final Positive positive;
    private final Negatives negatives;
    private final int numNegatives;
    private final List<Float> levelWeights;
    private FeatureLevels encoder;
    private boolean ownsEncoder;

    /**
     * Creates a term whose extractor is built in {@link #attach} (and closed with the term).
     *
     * @param name the logged name
     * @param weight the weight
     * @param encoderFactory builds the frozen extractor for the run
     * @param positive teacher or HR
     * @param negatives rolled or whole batch
     * @param numNegatives negatives per sample for {@link Negatives#ROLLED} (at least 1)
     * @param levelWeights one weight per feature level
     */
    public CsdTerm(String name, float weight, Function<TrainingRoles, FeatureLevels> encoderFactory,
                   Positive positive, Negatives negatives, int numNegatives, List<Float> levelWeights) {
        super(name, weight, Reduction.MEAN);
        this.encoderFactory = Objects.requireNonNull(encoderFactory, "encoderFactory");
        this.positive = Objects.requireNonNull(positive, "positive");
        this.negatives = Objects.requireNonNull(negatives, "negatives");
        if (numNegatives < 1) {
            throw new IllegalArgumentException("csd: num_negatives must be at least 1, got " + numNegatives);
        }
        this.numNegatives = numNegatives;
        this.levelWeights = List.copyOf(levelWeights);
        if (this.levelWeights.isEmpty()) {
            throw new IllegalArgumentException("csd: level_weights must not be empty");
        }
    }

    /**
     * Creates a term with a ready extractor (owned by the caller; {@link #attach} is then optional).
     *
     * @param name the logged name
     * @param weight the weight
     * @param encoder the frozen extractor
     * @param positive teacher or HR
     * @param negatives rolled or whole batch
     * @param numNegatives negatives per sample for {@link Negatives#ROLLED}
     * @param levelWeights one weight per feature level
     * @return the term
     */
    public static CsdTerm withEncoder(String name, float weight, FeatureLevels encoder, Positive positive,
                                      Negatives negatives, int numNegatives, List<Float> levelWeights) {
        Objects.requireNonNull(encoder, "encoder");
        CsdTerm term = new CsdTerm(name, weight, roles -> encoder, positive, negatives, numNegatives, levelWeights);
        term.encoder = encoder;
        return term;
    }

    @Override
    public Set<Requirement> requirements() {
        return EnumSet.of(Requirement.STUDENT_OUTPUT,
                positive == Positive.TEACHER ? Requirement.TEACHER_OUTPUT : Requirement.HR);
    }

    /** Builds the extractor (unless one was given to the constructor). */
    @Override
    public void attach(TrainingRoles roles) {
        if (encoder == null) {
            encoder = Objects.requireNonNull(encoderFactory.apply(roles), "csd: the encoder factory returned null");
            ownsEncoder = true;
        }
    }

    @Override
    public NDArray compute(LossContext context) {
        if (encoder == null) {
            throw new IllegalStateException("loss term '" + name() + "' (csd): attach() was not called");
        }
        NDArray anchor = context.studentOutput();
        NDArray target = positive == Positive.TEACHER ? context.requireTeacherOutput(name()) : context.hr();
        NDArray lr = context.lr();
        long batch = lr.getShape().get(0);
        if (negatives == Negatives.ROLLED && batch <= numNegatives) {
            throw new IllegalArgumentException("loss term '" + name() + "' (csd): num_negatives " + numNegatives
                    + " needs a batch of at least " + (numNegatives + 1) + " (other samples' LR), got " + batch);
        }
        NDArray upsampled = BicubicResize.torchUpsample(lr, scaleOf(lr, anchor));
        List<NDArray> anchorFeatures = encoder.features(anchor);
        List<NDArray> positiveFeatures = encoder.features(target.stopGradient());
        List<NDArray> lrFeatures = encoder.features(upsampled);
        List<NDArray> negativeFeatures = new ArrayList<>(lrFeatures.size());
        for (NDArray f : lrFeatures) {
            NDArray g = f.stopGradient();
            if (negatives == Negatives.BATCH) {
                negativeFeatures.add(g);
            } else {
                NDList rolled = new NDList();
                for (int j = 1; j <= numNegatives; j++) {
                    rolled.add(Roll.roll(g, j, 0));
                }
                negativeFeatures.add(NDArrays.stack(rolled, 0));
            }
        }
        try {
            return CsdContrast.l1Forward(positiveFeatures, anchorFeatures, negativeFeatures, levelWeights);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("loss term '" + name() + "': " + e.getMessage(), e);
        }
    }

    private int scaleOf(NDArray lr, NDArray sr) {
        long h = lr.getShape().get(2);
        long w = lr.getShape().get(3);
        long sh = sr.getShape().get(2);
        long sw = sr.getShape().get(3);
        if (sh % h != 0 || sh / h != sw / w || sw % w != 0) {
            throw new IllegalArgumentException("loss term '" + name() + "' (csd): the output " + sh + "x" + sw
                    + " is not an integer multiple of the LR input " + h + "x" + w);
        }
        return Math.toIntExact(sh / h);
    }

    @Override
    public void close() {
        if (ownsEncoder && encoder != null) {
            encoder.close();
            encoder = null;
            ownsEncoder = false;
        }
    }

    @Override
    public String toString() {
        return name() + " = csd(positive " + positive.configName() + ", negatives " + negatives.configName()
                + (negatives == Negatives.ROLLED ? " x" + numNegatives : "") + ", levels " + levelWeights
                + "), weight " + weight();
    }

    /**
     * Starts building this term from Java: the same values and defaults as its YAML keys ({@link CsdTermConfig}).
     *
     * @return a builder; {@code build()} gives the term, {@code config()} the config record
     */
    public static CsdTermConfig.Builder builder() {
        return new CsdTermConfig.Builder();
    }
}
