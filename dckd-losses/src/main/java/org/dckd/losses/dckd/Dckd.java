package org.dckd.losses.dckd;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.dckd.losses.LossTerm;
import org.dckd.losses.LossTermConfig;
import org.dckd.losses.baselines.DukdZoomInTerm;
import org.dckd.losses.baselines.DukdZoomOutTerm;
import org.dckd.losses.baselines.LabelConsistencyTerm;
import org.dckd.losses.dckd.CodebookDistribution.Mode;
import org.dckd.losses.encoders.EncoderConfig;
import org.dckd.losses.pixel.L1Term;

/**
 * The DCKD loss (paper Eq. 10) as a list of terms, built from Java:
 * {@code L1(S, HR) + L1(S, T) + 0.1 * DCR + 0.001 * DMM}, logged as {@code l_pix}, {@code l_kd}, {@code l_dcl},
 * {@code l_ce}. The defaults are those of the four terms' builders (which the YAML reader also uses), so
 * {@code Dckd.defaults().configs()} equals the {@code losses:} list of {@code configs/rlfn/rlfn_x4_dckd_offline.yaml};
 * {@code optEncoder(VqganEncoderConfig...)} gives the paper's feature space ({@code configs/rlfn/rlfn_x4_dckd.yaml}).
 * {@link #star()} is DCKD* (plus label consistency and DUKD's data upcycling).
 *
 * <pre>{@code
 * List<LossTerm> terms = Dckd.defaults()
 *         .optEncoder(VqganEncoderConfig.builder().setCheckpoint(Path.of("last.ckpt")).build())
 *         .optNegatives(3)
 *         .build();
 * Distiller.builder()....addTerms(terms)
 * }</pre>
 */
public final class Dckd {

    private Dckd() {}

    /**
     * The default DCKD set: L1 to HR and to the teacher (weight 1 each), DCR (0.1) and DMM (0.001) with the offline
     * random encoder, the DCKD code's history rule and degradations, and a k-means codebook.
     *
     * @return a builder; every value is optional
     */
    public static Builder defaults() {
        return new Builder();
    }

    /**
     * DCKD* of the paper: {@link #defaults()} plus the label-consistency term ({@code lcr}, weight 1 as in the released
     * configs) and the two DUKD data-upcycling terms ({@code dukd_zoom_in}, {@code dukd_zoom_out}), as in
     * {@code configs/swinir/*_dckd_star.yaml}.
     *
     * @return a builder with {@link Builder#optLabelConsistency} and {@link Builder#optDataUpcycling} on
     */
    public static Builder star() {
        return new Builder().optLabelConsistency(true).optDataUpcycling(true);
    }

    /** Changes the default DCKD set; {@link #build()} gives the terms, {@link #configs()} their config records. */
    public static final class Builder {

        private final L1Term.Builder hr = L1Term.toHr();
        private final L1Term.Builder teacher = L1Term.toTeacher();
        private final ContrastiveRegularizationConfig.Builder dcr = ContrastiveRegularization.builder();
        private final DistributionMappingConfig.Builder dmm = DistributionMapping.builder();

        private boolean labelConsistency;
        private boolean dataUpcycling;

        private Builder() {}

        /**
         * Adds the label-consistency term of the released DCKD configs, {@code l_lcr} with the defaults of
         * {@link LabelConsistencyTerm#builder()} (default off: the paper's Eq. 10 does not have it).
         *
         * @param value whether to add it
         * @return this builder
         */
        public Builder optLabelConsistency(boolean value) {
            labelConsistency = value;
            return this;
        }

        /**
         * Adds the DUKD data-upcycling terms {@code l_zoom_in} and {@code l_zoom_out} with their defaults (default off;
         * on in {@link Dckd#star()}).
         *
         * @param value whether to add them
         * @return this builder
         */
        public Builder optDataUpcycling(boolean value) {
            dataUpcycling = value;
            return this;
        }

        /**
         * Sets the weight of {@code l_pix = L1(S, HR)} (default 1).
         *
         * @param value &gt;= 0
         * @return this builder
         */
        public Builder optHrWeight(float value) {
            hr.optWeight(value);
            return this;
        }

        /**
         * Sets the weight of {@code l_kd = L1(S, T)} (default 1).
         *
         * @param value &gt;= 0
         * @return this builder
         */
        public Builder optTeacherWeight(float value) {
            teacher.optWeight(value);
            return this;
        }

        /**
         * Sets the weight of DCR, {@code l_dcl} (default 0.1).
         *
         * @param value &gt;= 0
         * @return this builder
         */
        public Builder optDcrWeight(float value) {
            dcr.optWeight(value);
            return this;
        }

        /**
         * Sets the weight of DMM, {@code l_ce} (default 0.001).
         *
         * @param value &gt;= 0
         * @return this builder
         */
        public Builder optDmmWeight(float value) {
            dmm.optWeight(value);
            return this;
        }

        /**
         * Sets the frozen feature encoder of both DCR and DMM (default the offline random encoder); equal encoder
         * configs share one instance and one pass per step.
         *
         * @param value e.g. {@code VqganEncoderConfig.builder().setCheckpoint(path).build()}
         * @return this builder
         */
        public Builder optEncoder(EncoderConfig value) {
            dcr.optEncoder(value);
            dmm.optEncoder(value);
            return this;
        }

        /**
         * Sets the number N of DCR negatives (default 5).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optNegatives(int value) {
            dcr.optNegatives(value);
            return this;
        }

        /**
         * Sets whether DCR's negative 0 is the history model's output on the clean LR (default true).
         *
         * @param value false makes all N negatives degraded
         * @return this builder
         */
        public Builder optCleanNegative(boolean value) {
            dcr.optCleanNegative(value);
            return this;
        }

        /**
         * Sets the history model's update rule (default {@link HistoryConfig#defaults()}).
         *
         * @param value e.g. {@code HistoryConfig.builder().optSource(HistoryConfig.Source.STUDENT).build()}
         * @return this builder
         */
        public Builder optHistory(HistoryConfig value) {
            dcr.optHistory(value);
            return this;
        }

        /**
         * Sets the negatives' degradations (default {@link DegradationConfig#defaults()}: noise only).
         *
         * @param value e.g. {@code DegradationConfig.builder().optBlurProb(0.5).build()}
         * @return this builder
         */
        public Builder optDegradation(DegradationConfig value) {
            dcr.optDegradation(value);
            return this;
        }

        /**
         * Sets where DMM's codebook comes from (default {@link CodebookConfig#defaults()}).
         *
         * @param value e.g. {@code CodebookConfig.builder().optSize(64).build()}
         * @return this builder
         */
        public Builder optCodebook(CodebookConfig value) {
            dmm.optCodebook(value);
            return this;
        }

        /**
         * Sets DMM's temperature (default 1).
         *
         * @param value positive
         * @return this builder
         */
        public Builder optTau(float value) {
            dmm.optTau(value);
            return this;
        }

        /**
         * Sets how DMM compares the distributions (default {@link Mode#PAPER}).
         *
         * @param value paper or reference-code
         * @return this builder
         */
        public Builder optDmmMode(Mode value) {
            dmm.optMode(value);
            return this;
        }

        /**
         * Changes any other DCR value on its builder, e.g. {@code b -> b.optEps(1e-6f).optChunkMb(0)}.
         *
         * @param change applied to the DCR builder now
         * @return this builder
         */
        public Builder optDcr(Consumer<ContrastiveRegularizationConfig.Builder> change) {
            Objects.requireNonNull(change, "change").accept(dcr);
            return this;
        }

        /**
         * Changes any other DMM value on its builder, e.g. {@code b -> b.optName("l_dmm")}.
         *
         * @param change applied to the DMM builder now
         * @return this builder
         */
        public Builder optDmm(Consumer<DistributionMappingConfig.Builder> change) {
            Objects.requireNonNull(change, "change").accept(dmm);
            return this;
        }

        /**
         * The config records, in the order {@code l_pix}, {@code l_kd}, {@code l_dcl}, {@code l_ce}, then
         * {@code l_lcr} and {@code l_zoom_in}, {@code l_zoom_out} when added: the same records a YAML {@code losses:}
         * list with the same keys reads.
         *
         * @return the validated configs
         * @throws IllegalArgumentException naming the term and the offending field
         */
        public List<LossTermConfig> configs() {
            List<LossTermConfig> configs = new ArrayList<>(List.of(hr.config(), teacher.config(), dcr.config(),
                    dmm.config()));
            if (labelConsistency) {
                configs.add(LabelConsistencyTerm.builder().config());
            }
            if (dataUpcycling) {
                configs.add(DukdZoomInTerm.builder().config());
                configs.add(DukdZoomOutTerm.builder().config());
            }
            return List.copyOf(configs);
        }

        /**
         * The terms, ready for {@code Distiller.builder().addTerms(...)}.
         *
         * @return a new term for every config of {@link #configs()}
         * @throws IllegalArgumentException naming the term and the offending field
         */
        public List<LossTerm> build() {
            return configs().stream().map(LossTermConfig::build).toList();
        }
    }
}
