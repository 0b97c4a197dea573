package org.dckd.core.config;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.dckd.backbones.BackboneConfig;
import org.dckd.config.ConfigException;
import org.dckd.config.ConfigReader;
import org.dckd.core.distill.TrainingDefaults;
import org.dckd.core.optim.LearningRateSchedule;
import org.dckd.losses.LossTermConfig;
import org.dckd.losses.catalog.LossTerms;

/**
 * One experiment: networks, data, loss terms, optimisation and the schedule of logging, validation and checkpoints.
 * Read strictly from one YAML or JSON file (unknown keys are errors naming their path); see {@code configs/} and
 * {@code docs/training.md} for every key and its default.
 *
 * @param name the run's name (default run folder {@code runs/<name>})
 * @param scale the upscaling factor
 * @param seed the run seed (default {@link TrainingDefaults#SEED}, the DCKD recipe's)
 * @param student the student network
 * @param teacher the teacher network with its weights, or null (training from scratch)
 * @param data the training data: procedural images or the dckd-data training-set config
 * @param losses the loss terms
 * @param optimizer the optimizer
 * @param schedule the learning-rate schedule (default constant)
 * @param emaDecay the student EMA decay (default {@link TrainingDefaults#EMA_DECAY}; 0 turns EMA off)
 * @param emaWarmup whether the EMA decay warms up as {@code min(decay, (1+t)/(10+t))} (default true; false is
 *     BasicSR's exact rule)
 * @param train iterations and the logging/validation/checkpoint intervals
 * @param validation the validation sets
 */
public record ExperimentConfig(String name, int scale, long seed, NetworkSpec student, NetworkSpec teacher,
        DataConfig data, List<LossTermConfig> losses, OptimizerConfig optimizer, LearningRateSchedule schedule,
        float emaDecay, boolean emaWarmup, TrainConfig train, ValidationConfig validation) {

    /** Reads the config with defaults and validation. */
    @JsonCreator
    private static ExperimentConfig fromJson(@JsonProperty(value = "name", required = true) String name,
            @JsonProperty(value = "scale", required = true) Integer scale,
            @JsonProperty("seed") Long seed,
            @JsonProperty(value = "student", required = true) NetworkSpec student,
            @JsonProperty("teacher") NetworkSpec teacher,
            @JsonProperty(value = "data", required = true) DataConfig data,
            @JsonProperty(value = "losses", required = true) List<LossTermConfig> losses,
            @JsonProperty("optimizer") OptimizerConfig optimizer,
            @JsonProperty("schedule") LearningRateSchedule schedule,
            @JsonProperty("ema_decay") Float emaDecay,
            @JsonProperty("ema_warmup") Boolean emaWarmup,
            @JsonProperty(value = "train", required = true) TrainConfig train,
            @JsonProperty("validation") ValidationConfig validation) {
        if (name.isBlank() || !name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("name must be non-empty and use only letters, digits, '.', '_', '-'");
        }
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be >= 1, got " + scale);
        }
        if (losses.isEmpty()) {
            throw new IllegalArgumentException("losses: at least one loss term is required");
        }
        float ema = emaDecay == null ? TrainingDefaults.EMA_DECAY : emaDecay;
        if (!(ema >= 0 && ema < 1)) {
            throw new IllegalArgumentException("ema_decay must be in [0, 1), got " + ema);
        }
        sameScale(student, "student", scale);
        sameScale(teacher, "teacher", scale);
        if (data instanceof DataConfig.Sources s && s.training().scale() != scale) {
            throw new IllegalArgumentException("at 'data.scale': " + s.training().scale()
                    + " differs from the experiment's scale " + scale);
        }
        return new ExperimentConfig(name, scale, seed == null ? TrainingDefaults.SEED : seed, student, teacher, data,
                List.copyOf(losses), optimizer == null ? OptimizerConfig.defaults() : optimizer,
                schedule == null ? TrainingDefaults.schedule() : schedule, ema,
                emaWarmup == null ? TrainingDefaults.EMA_WARMUP : emaWarmup, train,
                validation == null ? ValidationConfig.fromJson(null, null) : validation);
    }

    private static void sameScale(NetworkSpec spec, String key, int scale) {
        if (spec != null && spec.network() != null && spec.network().scale() != scale) {
            throw new IllegalArgumentException("at '" + key + ".network.scale': " + spec.network().scale()
                    + " differs from the experiment's scale " + scale);
        }
    }

    /** The student's backbone config at the experiment's scale. */
    public BackboneConfig studentBackbone() {
        return student.backbone(scale);
    }

    /** The teacher's backbone config at the experiment's scale, or {@code null} without a teacher. */
    public BackboneConfig teacherBackbone() {
        return teacher == null ? null : teacher.backbone(scale);
    }

    /**
     * The optimizer.
     *
     * @param type {@code adam} (default) or {@code adamw}
     * @param lr the base learning rate (default {@link TrainingDefaults#LEARNING_RATE})
     * @param betas (default [{@link TrainingDefaults#BETA1}, {@link TrainingDefaults#BETA2}], the DCKD recipe)
     * @param eps (default {@link TrainingDefaults#EPS})
     * @param weightDecay (default {@link TrainingDefaults#WEIGHT_DECAY})
     */
    public record OptimizerConfig(OptimizerType type, double lr, List<Double> betas, double eps, double weightDecay) {
        /** Defaults and validation. */
        @JsonCreator
        private static OptimizerConfig fromJson(@JsonProperty("type") OptimizerType type, @JsonProperty("lr") Double lr,
                @JsonProperty("betas") List<Double> betas, @JsonProperty("eps") Double eps,
                @JsonProperty("weight_decay") Double weightDecay) {
            OptimizerType t = type != null ? type
                    : TrainingDefaults.DECOUPLED_WEIGHT_DECAY ? OptimizerType.ADAMW : OptimizerType.ADAM;
            double rate = lr == null ? TrainingDefaults.LEARNING_RATE : lr;
            if (!(rate > 0)) {
                throw new IllegalArgumentException("lr must be > 0, got " + rate);
            }
            List<Double> b = betas == null ? List.of(TrainingDefaults.BETA1, TrainingDefaults.BETA2)
                    : List.copyOf(betas);
            if (b.size() != 2 || b.stream().anyMatch(x -> !(x >= 0 && x < 1))) {
                throw new IllegalArgumentException("betas must be two numbers in [0, 1), got " + b);
            }
            double e = eps == null ? TrainingDefaults.EPS : eps;
            double wd = weightDecay == null ? TrainingDefaults.WEIGHT_DECAY : weightDecay;
            if (!(e > 0) || wd < 0) {
                throw new IllegalArgumentException("eps must be > 0 and weight_decay >= 0");
            }
            return new OptimizerConfig(t, rate, b, e, wd);
        }

        /** The optimizer of a config without an {@code optimizer:} key: Adam with {@link TrainingDefaults}. */
        public static OptimizerConfig defaults() {
            return fromJson(null, null, null, null, null);
        }
    }

    /**
     * Iterations and intervals.
     *
     * @param iterations the last iteration
     * @param logEvery metrics row interval (default {@link TrainingDefaults#LOG_EVERY})
     * @param valEvery validation interval (default {@link TrainingDefaults#VALIDATE_EVERY})
     * @param saveEvery checkpoint interval (default {@link TrainingDefaults#CHECKPOINT_EVERY})
     * @param keepCheckpoints newest checkpoints kept besides the best (default
     *     {@link TrainingDefaults#KEEP_CHECKPOINTS}; 0 keeps all)
     * @param gradClip global gradient-norm clip (default {@link TrainingDefaults#GRAD_CLIP}: off)
     * @param measureRuntime whether the end of the run times the student for its efficiency report (key
     *     {@code measure_runtime}, default true: a few passes on a small fixed input, seconds; false leaves the
     *     runtime out of {@code results.json} and the model card, the counts are always there)
     */
    public record TrainConfig(long iterations, int logEvery, int valEvery, int saveEvery, int keepCheckpoints,
            float gradClip, boolean measureRuntime) {
        /** Defaults and validation. */
        @JsonCreator
        private static TrainConfig fromJson(@JsonProperty(value = "iterations", required = true) Long iterations,
                @JsonProperty("log_every") Integer logEvery, @JsonProperty("val_every") Integer valEvery,
                @JsonProperty("save_every") Integer saveEvery, @JsonProperty("keep_checkpoints") Integer keep,
                @JsonProperty("grad_clip") Float gradClip, @JsonProperty("measure_runtime") Boolean measureRuntime) {
            if (iterations <= 0) {
                throw new IllegalArgumentException("iterations must be > 0, got " + iterations);
            }
            TrainConfig c = new TrainConfig(iterations, logEvery == null ? TrainingDefaults.LOG_EVERY : logEvery,
                    valEvery == null ? TrainingDefaults.VALIDATE_EVERY : valEvery,
                    saveEvery == null ? TrainingDefaults.CHECKPOINT_EVERY : saveEvery,
                    keep == null ? TrainingDefaults.KEEP_CHECKPOINTS : keep,
                    gradClip == null ? TrainingDefaults.GRAD_CLIP : gradClip, measureRuntime == null || measureRuntime);
            if (c.logEvery <= 0 || c.valEvery <= 0 || c.saveEvery <= 0 || c.keepCheckpoints < 0 || c.gradClip < 0) {
                throw new IllegalArgumentException("log_every, val_every, save_every must be > 0; keep_checkpoints and"
                        + " grad_clip >= 0");
            }
            return c;
        }
    }

    /**
     * Validation sets.
     *
     * @param sets benchmark folders ({@code HR/} + {@code LR_bicubic/X<s>/}); the first decides the best checkpoint
     * @param tile LR tile size for validation (default 0: whole images)
     */
    public record ValidationConfig(List<Path> sets, int tile) {
        /** Defaults. */
        @JsonCreator
        private static ValidationConfig fromJson(@JsonProperty("sets") List<Path> sets, @JsonProperty("tile") Integer tile) {
            int t = tile == null ? 0 : tile;
            if (t < 0) {
                throw new IllegalArgumentException("tile must be >= 0, got " + t);
            }
            return new ValidationConfig(sets == null ? List.of() : List.copyOf(sets), t);
        }
    }

    /** A strict mapper for experiment files (backbone and loss-term types registered). */
    public static ObjectMapper mapper(Path file) {
        return LossTerms.registerWith(ConfigReader.mapperFor(file));
    }

    /**
     * Reads loss terms written as in a config's {@code losses:} key, strictly.
     *
     * <pre>{@code
     * List<LossTermConfig> logits = ExperimentConfig.readLosses("[{type: l1}, {type: l1, target: teacher}]");
     * }</pre>
     *
     * @param yaml a YAML (or JSON) list of loss terms
     * @return the term configs
     * @throws ConfigException naming the key path of a problem ({@code losses[1].target})
     */
    public static List<LossTermConfig> readLosses(String yaml) {
        ObjectMapper mapper = LossTerms.registerWith(ConfigReader.yamlMapper());
        JsonNode tree;
        try {
            tree = mapper.readTree(yaml);
        } catch (java.io.IOException e) {
            throw new ConfigException("losses: not valid YAML: " + e.getMessage(), e);
        }
        com.fasterxml.jackson.databind.node.ObjectNode wrapped = mapper.createObjectNode();
        wrapped.set("losses", tree);
        return ConfigReader.convert(mapper, wrapped, LossList.class, "losses").losses();
    }

    /** A list of loss terms under a {@code losses} key, for messages with the key path. */
    private record LossList(@JsonProperty(value = "losses", required = true) List<LossTermConfig> losses) {}

    /**
     * A loaded experiment: the typed config and the resolved tree (after overrides), which is saved with the run.
     *
     * @param config the typed config
     * @param tree the resolved tree
     * @param file the file it came from
     */
    public record Loaded(ExperimentConfig config, ObjectNode tree, Path file) {}

    /**
     * Reads an experiment file, applies {@code --set} overrides, and validates.
     *
     * @param file the YAML/JSON file
     * @param overrides {@code key.path=value} assignments
     * @return the loaded experiment
     * @throws ConfigException naming the file and key path on any problem
     */
    public static Loaded load(Path file, List<String> overrides) {
        ObjectMapper mapper = mapper(file);
        JsonNode tree = ConfigReader.readTree(mapper, file);
        if (!(tree instanceof ObjectNode obj)) {
            throw new ConfigException(file + ": the top level must be a mapping of keys");
        }
        for (String o : overrides) {
            ConfigOverrides.apply(obj, o);
        }
        return new Loaded(ConfigReader.convert(mapper, withExperimentDefaults(obj), ExperimentConfig.class,
                file.toString()), obj, file);
    }

    /**
     * A copy of the tree for typing, with the keys that default to the experiment's filled in: the {@code scale} of a
     * {@code student.network} / {@code teacher.network}, and the {@code scale} and {@code seed} of a folder
     * {@code data:} section. The tree itself (saved with the run) is left as written.
     */
    private static ObjectNode withExperimentDefaults(ObjectNode tree) {
        ObjectNode t = tree.deepCopy();
        JsonNode scale = t.get("scale");
        JsonNode seed = t.has("seed") ? t.get("seed") : t.numberNode(TrainingDefaults.SEED);
        for (String role : List.of("student", "teacher")) {
            if (t.get(role) instanceof ObjectNode spec && spec.get("network") instanceof ObjectNode network
                    && !network.has("scale") && scale != null) {
                network.set("scale", scale);
            }
        }
        if (t.get("data") instanceof ObjectNode data && !data.has("type")) {
            if (!data.has("scale") && scale != null) {
                data.set("scale", scale);
            }
            if (!data.has("seed")) {
                data.set("seed", seed);
            }
        }
        return t;
    }
}
