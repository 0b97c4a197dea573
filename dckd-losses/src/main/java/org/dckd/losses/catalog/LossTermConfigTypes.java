package org.dckd.losses.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.dckd.config.ConfigTypes;

/** Makes the registered loss-term {@code type} names known to {@link org.dckd.config.ConfigReader}'s mappers. */
public final class LossTermConfigTypes implements ConfigTypes {

    /** Creates the provider (the service loader calls this). */
    public LossTermConfigTypes() {}

    @Override
    public void registerWith(ObjectMapper mapper) {
        LossTerms.registerWith(mapper);
    }
}
