package org.dckd.losses.baselines;

import java.util.List;
import java.util.function.Function;

import org.dckd.config.NamedRegistry;
import org.dckd.losses.TrainingRoles;

/**
 * Named feature extractors for the {@code csd} term's {@code encoder} key: a factory per name that builds a frozen
 * {@link FeatureLevels} for a run when the term is attached. The encoder implementations live elsewhere and register
 * themselves here (e.g. {@code random} for the seeded random extractor, {@code vgg19} for CSD's VGG19
 * relu1_1..relu5_1). A name registered twice is refused, naming both registrations.
 */
public final class CsdEncoders {

    private static final NamedRegistry<Function<TrainingRoles, FeatureLevels>> FACTORIES =
            new NamedRegistry<>("csd feature encoder", CsdEncoders.class);

    static {
        // the offline default: the seeded random conv encoder of org.dckd.losses.encoders (frozen; gradients flow
        // through it to the input)
        register("random", roles -> {
            org.dckd.losses.encoders.FeatureEncoder e = org.dckd.losses.encoders.RandomEncoderConfig
                    .builder().optSeed(roles.seed()).build().build(roles.manager());
            return e::features;
        });
    }

    private CsdEncoders() {}

    /**
     * Registers a factory under a name.
     *
     * @param name the config name
     * @param factory builds the extractor for a run (its arrays belong to {@code roles.manager()} or its own manager)
     * @throws IllegalArgumentException if the name is already registered (naming both registrations)
     */
    public static void register(String name, Function<TrainingRoles, FeatureLevels> factory) {
        FACTORIES.register(name, factory);
    }

    /** The registered names. */
    public static List<String> names() {
        return FACTORIES.names();
    }

    /**
     * Builds the extractor registered under {@code name}.
     *
     * @param name the config name
     * @param roles the run
     * @return a new extractor
     * @throws IllegalArgumentException naming the registered encoders if there is none of that name
     */
    public static FeatureLevels create(String name, TrainingRoles roles) {
        Function<TrainingRoles, FeatureLevels> f = FACTORIES.find(name).orElseThrow(() -> new IllegalArgumentException(
                "csd: no feature encoder named '" + name + "' is registered; known: " + names()));
        return f.apply(roles);
    }
}
