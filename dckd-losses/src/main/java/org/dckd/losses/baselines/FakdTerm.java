package org.dckd.losses.baselines;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;

import com.fasterxml.jackson.annotation.JsonValue;

import org.dckd.checkpoint.Tensor;
import org.dckd.losses.LossContext;
import org.dckd.losses.TrainingRoles;
import org.dckd.losses.WeightedTerm;
import org.dckd.nn.SrNetwork;
import org.dckd.nn.TappedOutput;
import org.dckd.nn.TorchConv2d;

/**
 * FAKD feature-affinity distillation (He et al., ICIP 2020; official {@code spatial_similarity} + {@code FeatureLoss}):
 * for each chosen pair of student/teacher feature taps,
 * <pre>
 *   F = fm.view(B, C, HW) / (sqrt(sum_c fm^2) + 1e-7)      (channel-normalised, per position)
 *   A = F^T F                                               (B, 1, HW, HW) spatial affinity
 *   l_fakd = sum_pairs mean |A_student - A_teacher|
 * </pre>
 * The affinity is {@code HW x HW} whatever the channel counts, so the official code compares a 64-channel student with
 * a 256-channel teacher directly. A trainable 1x1 convolution "connector" on the student side can be added
 * ({@link Connector#MISMATCHED} when channel counts differ, {@link Connector#ALWAYS}); it is created in
 * {@link #attach}, optimised with the student ({@link #trainableParameters()}) and saved in {@link #state()}.
 *
 * <p>Cost: each affinity holds {@code B * (HW)^2} floats: for 48x48 LR features and batch 16 that is
 * {@code 16 * 2304^2 * 4 B = 340 MB} per matrix, several of which per pair live until the backward pass. The optional
 * {@code pool} (average pooling with kernel and stride {@code pool} on both sides before the affinity, FAKD's "PSA"
 * variant) divides this by {@code pool^4}; default 1 (off, as the official SA scripts).
 */
public final class FakdTerm extends WeightedTerm {

    /** The constant added to the channel norm (the official {@code spatial_similarity} adds {@code 0.0000001}). */
    public static final float NORM_EPS = 1e-7f;

    /** When a student-side 1x1 convolution maps student channels to teacher channels. */
    public enum Connector {
        /** Never (official FAKD: the affinity does not depend on channel counts). */
        NONE,
        /** Only for pairs whose channel counts differ. */
        MISMATCHED,
        /** For every pair. */
        ALWAYS;

        /** The config spelling. */
        @JsonValue
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final List<String> studentTaps;
    private final List<String> teacherTaps;
    private final int pool;
    private final Connector connectorMode;
    private final List<TorchConv2d> connectors;
    private NDManager connectorManager;

    /**
     * Creates the term.
     *
     * @param name the logged name
     * @param weight the weight
     * @param studentTaps student tap names, one per pair
     * @param teacherTaps teacher tap names, as many as {@code studentTaps}
     * @param pool average-pooling kernel and stride before the affinity (1 = off)
     * @param connectorMode when to add a trainable student-side 1x1 convolution
     */
    public FakdTerm(String name, float weight, List<String> studentTaps, List<String> teacherTaps, int pool,
                    Connector connectorMode) {
        super(name, weight, Reduction.MEAN);
        this.studentTaps = List.copyOf(studentTaps);
        this.teacherTaps = List.copyOf(teacherTaps);
        if (this.studentTaps.isEmpty() || this.studentTaps.size() != this.teacherTaps.size()) {
            throw new IllegalArgumentException("fakd: student_taps and teacher_taps must be non-empty lists of equal "
                    + "length, got " + this.studentTaps + " and " + this.teacherTaps);
        }
        if (pool < 1) {
            throw new IllegalArgumentException("fakd: pool must be at least 1, got " + pool);
        }
        this.pool = pool;
        this.connectorMode = Objects.requireNonNull(connectorMode, "connectorMode");
        this.connectors = new ArrayList<>(java.util.Collections.nCopies(this.studentTaps.size(), null));
    }

    @Override
    public Set<Requirement> requirements() {
        return EnumSet.of(Requirement.STUDENT_FEATURES, Requirement.TEACHER_FEATURES);
    }

    @Override
    public List<String> studentTaps() {
        return studentTaps;
    }

    @Override
    public List<String> teacherTaps() {
        return teacherTaps;
    }

    /** The pooling factor (1 = off). */
    public int pool() {
        return pool;
    }

    /** When connectors are created. */
    public Connector connectorMode() {
        return connectorMode;
    }

    /**
     * The connector of pair {@code i}, or {@code null} when that pair has none (or before {@link #attach}).
     *
     * @param i the pair index
     * @return the 1x1 convolution, or {@code null}
     */
    public TorchConv2d connector(int i) {
        return connectors.get(i);
    }

    /**
     * Checks the tap names against the networks and, when connectors are wanted, measures the channel counts with a
     * small probe forward pass and creates the connectors (PyTorch default initialisation) in a sub-manager of the
     * run's manager.
     *
     * @throws IllegalArgumentException naming {@code student_taps}/{@code teacher_taps} for unknown taps
     * @throws IllegalStateException without a teacher, or if a network is not initialised
     */
    @Override
    public void attach(TrainingRoles roles) {
        if (roles.teacher() == null) {
            throw new IllegalStateException("loss term '" + name() + "' (fakd) needs a teacher, but this run has none");
        }
        checkTaps("student_taps", studentTaps, roles.student());
        checkTaps("teacher_taps", teacherTaps, roles.teacher());
        if (connectorMode == Connector.NONE) {
            return;
        }
        long[] studentChannels = probeChannels(roles.student(), studentTaps, roles.manager());
        long[] teacherChannels = probeChannels(roles.teacher(), teacherTaps, roles.manager());
        closeConnectors();
        connectorManager = roles.manager().newSubManager();
        for (int i = 0; i < studentTaps.size(); i++) {
            if (connectorMode == Connector.ALWAYS || studentChannels[i] != teacherChannels[i]) {
                TorchConv2d conv = TorchConv2d.of(Math.toIntExact(studentChannels[i]),
                        Math.toIntExact(teacherChannels[i]), 1, 1, 0);
                conv.initialize(connectorManager, DataType.FLOAT32, new Shape(1, studentChannels[i], 1, 1));
                connectors.set(i, conv);
            }
        }
    }

    private void checkTaps(String key, List<String> taps, SrNetwork network) {
        List<String> known = network.tapNames();
        for (String t : taps) {
            if (!known.contains(t)) {
                throw new IllegalArgumentException("loss term '" + name() + "' (fakd): " + key + " names '" + t
                        + "', which " + network.getClass().getSimpleName() + " does not have; taps: " + known);
            }
        }
    }

    private static long[] probeChannels(SrNetwork network, List<String> taps, NDManager parent) {
        if (!network.isInitialized()) {
            throw new IllegalStateException("fakd: initialise the networks before attaching the loss terms");
        }
        int size = Math.max(network.minInputSize(), 16);
        try (NDManager probe = parent.newSubManager()) {
            NDArray x = probe.zeros(new Shape(1, 3, size, size));
            TappedOutput out = network.forwardWithFeatures(new ParameterStore(probe, false), x, false);
            long[] channels = new long[taps.size()];
            for (int i = 0; i < taps.size(); i++) {
                channels[i] = featureMap(out.feature(taps.get(i))).getShape().get(1);
            }
            return channels;
        }
    }

    @Override
    public NDArray compute(LossContext context) {
        List<NDArray> student = new ArrayList<>();
        List<NDArray> teacher = new ArrayList<>();
        ParameterStore store = null;
        for (int i = 0; i < studentTaps.size(); i++) {
            NDArray s = featureMap(context.studentFeature(studentTaps.get(i), name()));
            TorchConv2d conv = connectors.get(i);
            if (conv != null) {
                if (store == null) {
                    store = new ParameterStore(context.manager(), false);
                }
                s = conv.apply(store, s, true);
            }
            NDArray t = featureMap(context.teacherFeature(teacherTaps.get(i), name())).stopGradient();
            if (pool > 1) {
                s = averagePool(s, pool);
                t = averagePool(t, pool);
            }
            student.add(s);
            teacher.add(t);
        }
        try {
            return affinityLoss(student, teacher);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("loss term '" + name() + "': " + e.getMessage(), e);
        }
    }

    private static NDArray averagePool(NDArray x, int k) {
        return Pool.avgPool2d(x, new Shape(k, k), new Shape(k, k), new Shape(0, 0), false, true);
    }

    /**
     * The spatial affinity of a feature map (the official {@code spatial_similarity}).
     *
     * @param fm a {@code (B, C, H, W)} feature map
     * @return the {@code (B, 1, HW, HW)} affinity, in the manager of {@code fm}
     */
    public static NDArray spatialAffinity(NDArray fm) {
        Shape s = fm.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("fakd: features must be (B, C, H, W), got " + s);
        }
        long b = s.get(0);
        long hw = s.get(2) * s.get(3);
        NDArray f = fm.reshape(b, s.get(1), hw);
        NDArray norm = f.square().sum(new int[] {1}, true).sqrt().add(NORM_EPS);
        NDArray normalised = f.div(norm);
        return normalised.transpose(0, 2, 1).matMul(normalised).expandDims(1);
    }

    /**
     * The affinity loss of one feature pair: {@code mean |A(student) - A(teacher)|}.
     *
     * @param student the student feature {@code (B, Cs, H, W)}
     * @param teacher the teacher feature {@code (B, Ct, H, W)} (same batch and spatial size)
     * @return a scalar
     * @throws IllegalArgumentException if batch or spatial sizes differ
     */
    public static NDArray pairLoss(NDArray student, NDArray teacher) {
        Shape s = student.getShape();
        Shape t = teacher.getShape();
        if (s.dimension() != 4 || t.dimension() != 4 || s.get(0) != t.get(0) || s.get(2) != t.get(2)
                || s.get(3) != t.get(3)) {
            throw new IllegalArgumentException("fakd: student feature " + s + " and teacher feature " + t
                    + " must have the same batch and spatial size");
        }
        // The (B, HW, HW) intermediates are released as soon as the scalar exists: autograd keeps only what the
        // backward pass needs (the difference), which cuts the memory of a pair from four affinity-sized arrays to one.
        NDManager owner = student.getManager();
        try (NDManager scope = owner.newSubManager()) {
            student.tempAttach(scope);
            teacher.tempAttach(scope);
            NDArray loss = spatialAffinity(student).sub(spatialAffinity(teacher)).abs().mean();
            loss.attach(owner);
            return loss;
        }
    }

    /**
     * The unweighted FAKD loss: the sum over pairs of {@link #pairLoss}.
     *
     * @param student student features, one per pair
     * @param teacher teacher features, as many
     * @return a scalar in the manager of the first student feature
     */
    public static NDArray affinityLoss(List<NDArray> student, List<NDArray> teacher) {
        if (student.isEmpty() || student.size() != teacher.size()) {
            throw new IllegalArgumentException("fakd: need equally many student and teacher features, got "
                    + student.size() + " and " + teacher.size());
        }
        NDArray total = null;
        for (int i = 0; i < student.size(); i++) {
            NDArray l = pairLoss(student.get(i), teacher.get(i));
            total = total == null ? l : total.add(l);
        }
        return total;
    }

    @Override
    public List<Parameter> trainableParameters() {
        List<Parameter> out = new ArrayList<>();
        for (TorchConv2d c : connectors) {
            if (c != null) {
                c.getParameters().values().forEach(out::add);
            }
        }
        return out;
    }

    /** The connector weights: {@code connector.<pair>.weight} and {@code connector.<pair>.bias}. */
    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < connectors.size(); i++) {
            TorchConv2d c = connectors.get(i);
            if (c != null) {
                for (var p : c.getParameters()) {
                    out.put("connector." + i + "." + p.getKey(), Tensor.of(p.getValue().getArray()));
                }
            }
        }
        return out;
    }

    /**
     * Restores connector weights saved by {@link #state()} (call after {@link #attach}).
     *
     * @throws IllegalArgumentException naming the key if a connector weight is missing, unexpected or of another shape
     */
    @Override
    public void loadState(Map<String, Tensor> state) {
        Map<String, Tensor> expected = state();
        for (String key : state.keySet()) {
            if (!expected.containsKey(key)) {
                throw new IllegalArgumentException("loss term '" + name() + "' (fakd): unexpected state '" + key
                        + "'; this term has " + expected.keySet() + " (connector: " + connectorMode.configName() + ")");
            }
        }
        for (int i = 0; i < connectors.size(); i++) {
            TorchConv2d c = connectors.get(i);
            if (c == null) {
                continue;
            }
            for (var p : c.getParameters()) {
                String key = "connector." + i + "." + p.getKey();
                Tensor t = state.get(key);
                NDArray target = p.getValue().getArray();
                if (t == null) {
                    throw new IllegalArgumentException("loss term '" + name() + "' (fakd): state has no '" + key + "'");
                }
                if (!Arrays.equals(t.shape(), target.getShape().getShape())) {
                    throw new IllegalArgumentException("loss term '" + name() + "' (fakd): state '" + key
                            + "' has shape " + Arrays.toString(t.shape()) + ", the connector " + target.getShape());
                }
                target.set(FloatBuffer.wrap(t.toFloatArray()));
            }
        }
    }

    @Override
    public void close() {
        closeConnectors();
    }

    private void closeConnectors() {
        java.util.Collections.fill(connectors, null);
        if (connectorManager != null) {
            connectorManager.close();
            connectorManager = null;
        }
    }

    @Override
    public String toString() {
        return name() + " = fakd(" + studentTaps + " vs " + teacherTaps + ", pool " + pool + ", connector "
                + connectorMode.configName() + "), weight " + weight();
    }

    /**
     * A tap as an NCHW map: 4-D maps are used as they are; transformer tokens {@code (B, H*W, C)} (SwinIR's
     * {@code layers.i}) become {@code (B, C, H*W, 1)}, which has the same spatial affinity (it only needs the
     * positions,
     * not their 2-D arrangement) and lets a 1x1 connector apply.
     */
    static NDArray featureMap(NDArray tap) {
        return tap.getShape().dimension() == 3 ? tap.transpose(0, 2, 1).expandDims(3) : tap;
    }

    /**
     * Starts building this term from Java: the same values and defaults as its YAML keys ({@link FakdTermConfig}).
     *
     * @return a builder; {@code build()} gives the term, {@code config()} the config record
     */
    public static FakdTermConfig.Builder builder() {
        return new FakdTermConfig.Builder();
    }
}
