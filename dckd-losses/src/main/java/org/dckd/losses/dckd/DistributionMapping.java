package org.dckd.losses.dckd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.Tensor;
import org.dckd.losses.LossContext;
import org.dckd.losses.LossTerm;
import org.dckd.losses.SharedComputations;
import org.dckd.losses.TrainingRoles;
import org.dckd.losses.dckd.EncodedOutputs.Operand;
import org.dckd.losses.encoders.FeatureEncoder;
import org.dckd.losses.encoders.SharedEncoders;
import org.dckd.nn.OwnedArrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DCKD's distribution mapping module {@code l_ce}: the cross-entropy between the codebook distributions of the
 * student's and the teacher's outputs (see {@link CodebookDistribution}), where {@code F = encoder.encode(image)} gives
 * one vector per position (VQGAN: full encoder + {@code quant_conv}; random and VGG19 encoders: the deepest level).
 *
 * <p><b>Codebook</b> ({@link CodebookConfig}): the VQGAN checkpoint's {@code quantize.embedding.weight}, a file, or
 * seeded k-means. k-means runs lazily during training: the first {@code kmeans_batches} steps (and until at least
 * {@code size} vectors are collected) encode the teacher outputs without gradient, collect their vectors and return
 * a zero loss; on the step that completes the collection k-means runs once (in Java, see {@link KMeansCodebook}) and
 * the term is active from that step on. The codebook is part of {@link #state()} (key {@code codebook}), so a resumed
 * run uses the same one; a run resumed before the collection finished starts collecting again.
 *
 * <p>The codebook's dimension must equal the encoder's {@link FeatureEncoder#encodeChannels()}; a mismatch (a file or
 * saved state from another encoder) is reported naming the term and the key.
 */
public final class DistributionMapping implements LossTerm {

    private static final Logger LOG = LoggerFactory.getLogger(DistributionMapping.class);
    /** The key of the codebook in {@link #state()}. */
    public static final String CODEBOOK_STATE = "codebook";
    private static final long KMEANS_SEED_SALT = 0x636F6465626F6F6BL;

    private final DistributionMappingConfig config;
    private FeatureEncoder encoder;
    private NDManager manager;
    private CodebookDistribution distribution;
    private long kmeansSeed;
    private List<float[]> collected;
    private int collectedBatches;
    private long collectedVectors;
    private Tensor pendingCodebook;
    /**
     * Multiplies {@code tau}: 1 (the paper's setting) unless {@code codebook.calibrate_tau} is on for a k-means
     * codebook; then the mean squared distance of the collected vectors to their nearest centre, so that
     * {@code d / tau} is of order one whatever the scale of the encoder's features.
     */
    private float tauScale = 1f;
    /** The key of the k-means temperature scale in {@link #state()}. */
    public static final String TAU_SCALE_STATE = "tau_scale";

    /**
     * Creates the term (cheap; the encoder and codebook are set up by {@link #attach}).
     *
     * @param config the config
     */
    public DistributionMapping(DistributionMappingConfig config) {
        this.config = config;
    }

    /** The config. */
    public DistributionMappingConfig config() {
        return config;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public float weight() {
        return config.weight();
    }

    @Override
    public Set<Requirement> requirements() {
        return EnumSet.of(Requirement.STUDENT_OUTPUT, Requirement.TEACHER_OUTPUT);
    }

    /**
     * Builds the frozen encoder and, unless it comes from k-means, the codebook.
     *
     * @throws IllegalArgumentException if the codebook source does not fit the encoder (names the term and key)
     */
    @Override
    public void attach(TrainingRoles roles) {
        manager = roles.manager();
        encoder = SharedEncoders.get(config.encoder(), manager);
        CodebookConfig cb = config.codebook();
        kmeansSeed = cb.seed() != null ? cb.seed() : NegativeDegradation.mix(roles.seed(), KMEANS_SEED_SALT);
        if (pendingCodebook != null) {
            install(pendingCodebook, "the saved state's codebook");
            pendingCodebook = null;
            return;
        }
        switch (resolvedSource()) {
            case ENCODER -> {
                NDArray own = encoder.codebook().orElseThrow(() -> new IllegalArgumentException(describe()
                        + ": codebook.source 'encoder' needs an encoder with a codebook (type vqgan), but the "
                        + encoder.type() + " encoder has none; use codebook.source: kmeans"));
                install(own, "the encoder's codebook");
            }
            case FILE -> install(readFile(cb), "codebook.file " + cb.file());
            case KMEANS -> collected = new ArrayList<>();
            default -> throw new IllegalStateException(cb.source().toString());
        }
    }

    /** The codebook source after resolving {@code auto}. */
    public CodebookConfig.Source resolvedSource() {
        CodebookConfig.Source s = config.codebook().source();
        if (s != CodebookConfig.Source.AUTO) {
            return s;
        }
        return attachedEncoder().codebook().isPresent() ? CodebookConfig.Source.ENCODER : CodebookConfig.Source.KMEANS;
    }

    /** The frozen encoder (after {@link #attach}). */
    public FeatureEncoder encoder() {
        return attachedEncoder();
    }

    /** The codebook distribution, or {@code null} while a k-means codebook is still being collected. */
    public CodebookDistribution distribution() {
        return distribution;
    }

    @Override
    public NDArray compute(LossContext context) {
        attachedEncoder();
        NDArray positive = context.requireTeacherOutput(name());
        NDArray teacherTokens = tokens(context, Operand.TEACHER_OUTPUT, positive);
        if (distribution == null) {
            collect(teacherTokens);
            if (distribution == null) {
                return context.manager().zeros(new Shape());
            }
        }
        NDArray studentTokens = tokens(context, Operand.STUDENT_OUTPUT, context.studentOutput());
        return distribution.crossEntropy(studentTokens, teacherTokens, config.mode());
    }

    /**
     * The encoder's vectors of a batch as {@code (B*h*w, D)} rows in {@code b h w} order, computed in chunks of
     * {@link FeatureEncoder#chunkSize} images (see {@code chunk_mb}).
     *
     * @param images {@code (B, 3, H, W)} on [0, 1]
     * @return the tokens, in {@code images}' manager (attached to its graph if it has one)
     */
    public NDArray encodeTokens(NDArray images) {
        return tokens(new SharedComputations(), null, images);
    }

    /**
     * The tokens of the step's student or teacher output, from the encoder passes shared with the step's other terms
     * ({@link EncodedOutputs}); {@code operand == null}: not shared.
     */
    private NDArray tokens(LossContext context, Operand operand, NDArray images) {
        return tokens(context.shared(), operand, images);
    }

    private NDArray tokens(SharedComputations shared, Operand operand, NDArray images) {
        FeatureEncoder e = attachedEncoder();
        Shape shape = images.getShape();
        long n = shape.get(0);
        int chunk = e.chunkSize((int) n, shape.get(2), shape.get(3), (long) config.chunkMb() << 20);
        NDList parts = new NDList();
        for (long start = 0; start < n; start += chunk) {
            long end = Math.min(n, start + chunk);
            FeatureEncoder.Pass pass = operand == null ? e.pass(images, start, end)
                    : EncodedOutputs.pass(shared, e, operand, images, start, end);
            parts.add(CodebookDistribution.tokens(pass.encoding()));
        }
        return parts.size() == 1 ? parts.singletonOrThrow() : NDArrays.concat(parts, 0);
    }

    private void collect(NDArray teacherTokens) {
        if (collected == null) {
            throw new IllegalStateException(describe() + " has no codebook");
        }
        collected.add(teacherTokens.toFloatArray());
        collectedBatches++;
        collectedVectors += teacherTokens.getShape().get(0);
        CodebookConfig cb = config.codebook();
        if (collectedBatches < cb.kmeansBatches() || collectedVectors < cb.size()) {
            return;
        }
        int d = encoder.encodeChannels();
        float[] points = new float[Math.toIntExact(collectedVectors * d)];
        int offset = 0;
        for (float[] batch : collected) {
            System.arraycopy(batch, 0, points, offset, batch.length);
            offset += batch.length;
        }
        collected = null;
        long start = System.nanoTime();
        float[] centres = KMeansCodebook.fit(points, d, cb.size(), cb.kmeansIterations(), kmeansSeed);
        tauScale = cb.calibrateTau() ? (float) Math.max(meanNearestSquaredDistance(points, centres, d), 1e-12) : 1f;
        LOG.info("{}: k-means codebook K={} D={} from {} vectors of {} batches (seed {}) in {} ms; tau scale {}",
                name(), cb.size(), d, collectedVectors, collectedBatches, kmeansSeed,
                (System.nanoTime() - start) / 1_000_000, tauScale);
        install(Tensor.ofFloats(new long[] {cb.size(), d}, centres), "the k-means codebook");
    }

    /** The mean over points of the squared L2 distance to the nearest centre (the k-means inertia per point). */
    static double meanNearestSquaredDistance(float[] points, float[] centres, int d) {
        int n = points.length / d;
        int k = centres.length / d;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double best = Double.MAX_VALUE;
            for (int c = 0; c < k; c++) {
                double dist = 0;
                for (int j = 0; j < d; j++) {
                    double diff = points[i * d + j] - centres[c * d + j];
                    dist += diff * diff;
                }
                best = Math.min(best, dist);
            }
            sum += best;
        }
        return sum / n;
    }

    private Tensor readFile(CodebookConfig cb) {
        StateDict sd;
        try {
            sd = Checkpoints.read(cb.file());
        } catch (IOException ex) {
            throw new UncheckedIOException(describe() + ": cannot read codebook.file " + cb.file(), ex);
        }
        String key = cb.fileKey() != null ? cb.fileKey() : sd.size() == 1 ? sd.keys().iterator().next() : CODEBOOK_STATE;
        Tensor t = sd.get(key);
        if (t == null) {
            throw new IllegalArgumentException(describe() + ": codebook.file " + cb.file() + " has no tensor '" + key
                    + "' (keys: " + sd.keys() + "); set codebook.file_key");
        }
        return t;
    }

    private void install(Tensor t, String origin) {
        checkShape(t.shape(), origin);
        NDArray array = OwnedArrays.create(manager, t.toFloatArray(), t.djlShape()); // autograd keeps it (matMul)
        distribution = new CodebookDistribution(array, config.tau() * tauScale);
    }

    private void install(NDArray codebook, String origin) {
        checkShape(codebook.getShape().getShape(), origin);
        distribution = new CodebookDistribution(codebook, config.tau() * tauScale);
    }

    private void checkShape(long[] shape, String origin) {
        int d = encoder.encodeChannels();
        if (shape.length != 2 || shape[1] != d) {
            throw new IllegalArgumentException(describe() + ": " + origin + " has shape " + java.util.Arrays.toString(
                    shape) + ", but a codebook must be (K, " + d + ") to fit the encoder (key 'encoder': "
                    + encoder.type() + ", whose encode path is " + encoder.encodeDescription() + ")");
        }
    }

    @Override
    public Map<String, Tensor> state() {
        Tensor codebook = distribution != null ? Tensor.of(distribution.codebook()) : pendingCodebook;
        if (codebook == null) {
            return Map.of();
        }
        Map<String, Tensor> out = new LinkedHashMap<>(); // a fixed order: checkpoint files are byte-reproducible
        out.put(CODEBOOK_STATE, codebook);
        out.put(TAU_SCALE_STATE, Tensor.ofFloats(new long[0], new float[] {tauScale}));
        return out;
    }

    @Override
    public void loadState(Map<String, Tensor> state) {
        Tensor t = state.get(CODEBOOK_STATE);
        if (t == null) {
            return;
        }
        Tensor scale = state.get(TAU_SCALE_STATE);
        tauScale = scale == null ? 1f : scale.toFloatArray()[0];
        if (encoder == null) {
            pendingCodebook = t;
        } else {
            install(t, "the saved state's codebook");
            collected = null;
        }
    }

    private FeatureEncoder attachedEncoder() {
        if (encoder == null) {
            throw new IllegalStateException(describe() + " is not attached: call attach(roles) before training");
        }
        return encoder;
    }

    private String describe() {
        return "loss term '" + name() + "' (" + DistributionMappingConfig.TYPE + ")";
    }

    /**
     * Starts building this term from Java: the same values and defaults as its YAML keys
     * ({@link DistributionMappingConfig}).
     *
     * @return a builder; {@code build()} gives the term, {@code config()} the config record
     */
    public static DistributionMappingConfig.Builder builder() {
        return new DistributionMappingConfig.Builder();
    }
}
