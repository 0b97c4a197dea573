package org.dckd.losses;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.NamedType;

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
 * The loss-term registry: config classes by their {@code type} name. A user adds a term without touching the library
 * by implementing {@link LossTermConfig} and {@link LossTerm} and calling {@link #register} before configs are read.
 */
public final class LossTerms {

    private static final Map<String, Class<? extends LossTermConfig>> TYPES = new LinkedHashMap<>();

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

    /** Registers a term config class under a {@code type} name. */
    public static synchronized void register(String type, Class<? extends LossTermConfig> configClass) {
        TYPES.put(type, configClass);
    }

    /** The registered type names. */
    public static synchronized List<String> types() {
        return List.copyOf(TYPES.keySet());
    }

    /** Registers every term type with a Jackson mapper. */
    public static synchronized ObjectMapper registerWith(ObjectMapper mapper) {
        TYPES.forEach((name, cls) -> mapper.registerSubtypes(new NamedType(cls, name)));
        return mapper;
    }
}
