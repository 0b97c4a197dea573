package org.dckd.losses.catalog;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.NamedType;

import org.dckd.config.NamedRegistry;
import org.dckd.losses.LossTerm;
import org.dckd.losses.LossTermConfig;
import org.dckd.losses.baselines.CsdTermConfig;
import org.dckd.losses.baselines.DukdZoomInConfig;
import org.dckd.losses.baselines.DukdZoomOutConfig;
import org.dckd.losses.baselines.FakdTermConfig;
import org.dckd.losses.baselines.LabelConsistencyConfig;
import org.dckd.losses.dckd.ContrastiveRegularizationConfig;
import org.dckd.losses.dckd.DistributionMappingConfig;
import org.dckd.losses.pixel.CharbonnierTermConfig;
import org.dckd.losses.pixel.L1TermConfig;
import org.dckd.losses.pixel.L2TermConfig;

/**
 * The loss-term registry: config classes by their {@code type} name, starting with the built-in terms (pixel, DCKD,
 * baselines). It lives apart from the term contract ({@code org.dckd.losses}) because it knows every family of terms:
 * the families depend on the contract, this catalog on the families.
 *
 * <p>A user adds a term without touching the library by implementing {@link LossTermConfig} and {@link LossTerm} and
 * calling {@link #register} before configs are read. A name registered twice to different classes is refused, naming
 * both registrations. {@link org.dckd.config.ConfigReader}'s mappers know every registered type (through
 * {@link LossTermConfigTypes}).
 */
public final class LossTerms {

    private static final NamedRegistry<Class<? extends LossTermConfig>> TYPES = new NamedRegistry<>("loss-term type",
            LossTerms.class);

    static {
        register(L1TermConfig.TYPE, L1TermConfig.class);
        register(L2TermConfig.TYPE, L2TermConfig.class);
        register(CharbonnierTermConfig.TYPE, CharbonnierTermConfig.class);
        register(FakdTermConfig.TYPE, FakdTermConfig.class);
        register(CsdTermConfig.TYPE, CsdTermConfig.class);
        register(LabelConsistencyConfig.TYPE, LabelConsistencyConfig.class);
        register(DukdZoomInConfig.TYPE, DukdZoomInConfig.class);
        register(DukdZoomOutConfig.TYPE, DukdZoomOutConfig.class);
        register(ContrastiveRegularizationConfig.TYPE, ContrastiveRegularizationConfig.class);
        register(DistributionMappingConfig.TYPE, DistributionMappingConfig.class);
    }

    private LossTerms() {}

    /**
     * Registers a term config class under a {@code type} name (again registering the same class under its name changes
     * nothing).
     *
     * @throws IllegalArgumentException if the name is already registered to another class (naming both registrations)
     */
    public static void register(String type, Class<? extends LossTermConfig> configClass) {
        TYPES.register(type, configClass);
    }

    /** The registered type names. */
    public static List<String> types() {
        return TYPES.names();
    }

    /** Registers every term type with a Jackson mapper. */
    public static ObjectMapper registerWith(ObjectMapper mapper) {
        TYPES.forEach((name, cls) -> mapper.registerSubtypes(new NamedType(cls, name)));
        return mapper;
    }
}
