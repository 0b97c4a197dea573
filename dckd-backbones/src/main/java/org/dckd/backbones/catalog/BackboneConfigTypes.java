package org.dckd.backbones.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.dckd.config.ConfigTypes;

/** Makes the registered backbone {@code type} names known to {@link org.dckd.config.ConfigReader}'s mappers. */
public final class BackboneConfigTypes implements ConfigTypes {

    /** Creates the provider (the service loader calls this). */
    public BackboneConfigTypes() {}

    @Override
    public void registerWith(ObjectMapper mapper) {
        Backbones.registerWith(mapper);
    }
}
