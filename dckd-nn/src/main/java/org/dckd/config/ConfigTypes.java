package org.dckd.config;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@code type} names of a module's polymorphic configs, for {@link ConfigReader}: every implementation listed in a
 * {@code META-INF/services/org.dckd.config.ConfigTypes} file on the class path registers its names with each mapper
 * {@link ConfigReader} makes. This is how {@code dckd-backbones} (backbone types) and {@code dckd-losses} (loss-term
 * types) make their names known to the generic reader without the reader knowing them.
 *
 * <p>Implementations are public, have a public no-argument constructor, and register the names current at the time of
 * the call (so types a user registers later are seen by mappers made later).
 */
public interface ConfigTypes {

    /**
     * Registers this module's named subtypes with a mapper.
     *
     * @param mapper the mapper being configured
     */
    void registerWith(ObjectMapper mapper);
}
