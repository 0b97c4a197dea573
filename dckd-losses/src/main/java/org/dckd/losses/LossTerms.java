package org.dckd.losses;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.NamedType;

/**
 * The loss-term registry: config classes by their {@code type} name. A user adds a term without touching the library
 * by implementing {@link LossTermConfig} and {@link LossTerm} and calling {@link #register} before configs are read.
 */
public final class LossTerms {

    private static final Map<String, Class<? extends LossTermConfig>> TYPES = new LinkedHashMap<>();

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
