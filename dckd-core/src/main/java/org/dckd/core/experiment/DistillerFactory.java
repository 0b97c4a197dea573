package org.dckd.core.experiment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

import org.dckd.backbones.SrBackbone;
import org.dckd.core.config.ExperimentConfig;
import org.dckd.core.distill.Distiller;
import org.dckd.core.model.BackboneLoader;
import org.dckd.losses.LossTerm;
import org.dckd.losses.LossTermConfig;
import org.dckd.nn.DjlRuntime;

/**
 * Builds a ready {@link Distiller} from an experiment config: the loss terms, the teacher (built, initialised, its
 * weights loaded), then the student with the engine seeded by the run seed, and the distiller with the config's
 * optimizer (type, learning rate, betas, eps, weight decay), schedule, gradient clip, EMA decay and warm-up, and seed.
 * The experiment runner, {@code dckd bench train} and tests build their distillers here, so they measure and train the
 * same step.
 *
 * <pre>{@code
 * try (NDManager manager = NDManager.newBaseManager();
 *         Distiller d = DistillerFactory.builder().setConfig(cfg).setManager(manager).build()) {
 *     d.step(lr, hr);
 * }
 * }</pre>
 */
public final class DistillerFactory {

    static {
        DjlRuntime.ensureOffline();
    }

    private DistillerFactory() {}

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link Distiller} from an experiment config. */
    public static final class Builder {
        private ExperimentConfig config;
        private NDManager manager;
        private SrBackbone teacher;
        private List<LossTermConfig> losses;

        private Builder() {}

        /** The experiment (required). */
        public Builder setConfig(ExperimentConfig config) {
            this.config = config;
            return this;
        }

        /** The manager that will own the networks and the run's long-lived arrays (required). */
        public Builder setManager(NDManager manager) {
            this.manager = manager;
            return this;
        }

        /**
         * A teacher built already (with its weights), used instead of building the config's: one teacher shared by
         * several distillers.
         *
         * @param teacher the teacher
         * @return this
         */
        public Builder optTeacher(SrBackbone teacher) {
            this.teacher = teacher;
            return this;
        }

        /**
         * Loss terms used instead of the config's {@code losses}.
         *
         * @param losses the term configs, at least one
         * @return this
         */
        public Builder optLosses(List<LossTermConfig> losses) {
            this.losses = List.copyOf(losses);
            return this;
        }

        /**
         * Builds the distiller.
         *
         * @return the distiller (close it; the networks belong to the manager)
         * @throws IOException if a weights file cannot be read or does not fit its network (naming the file)
         */
        public Distiller build() throws IOException {
            if (config == null || manager == null) {
                throw new IllegalStateException("setConfig(...) and setManager(...) are required");
            }
            List<LossTerm> terms = new ArrayList<>();
            try {
                for (LossTermConfig t : losses != null ? losses : config.losses()) {
                    terms.add(t.build());
                }
                SrBackbone t = teacher;
                if (t == null && config.teacher() != null) {
                    t = BackboneLoader.build(config.teacher(), config.scale(), manager);
                }
                Engine.getInstance().setRandomSeed((int) config.seed());
                SrBackbone student = BackboneLoader.build(config.student(), config.scale(), manager);
                ExperimentConfig.OptimizerConfig o = config.optimizer();
                return Distiller.builder().setManager(manager).setStudent(student).optTeacher(t).addTerms(terms)
                        .optAdam(o.lr(), o.betas().get(0).floatValue(), o.betas().get(1).floatValue(), (float) o.eps(),
                                (float) o.weightDecay(), o.type().decoupledWeightDecay())
                        .optSchedule(config.schedule()).optEmaDecay(config.emaDecay())
                        .optEmaWarmup(config.emaWarmup()).optGradClip(config.train().gradClip())
                        .optSeed(config.seed()).build();
            } catch (IOException | RuntimeException e) {
                for (LossTerm t : terms) {
                    try {
                        t.close();
                    } catch (Exception suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            }
        }
    }
}
