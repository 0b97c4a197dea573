package org.dckd.backbones;

import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The typed, validated description of a network. Configs are Jackson-polymorphic on the {@code type} key
 * ({@code rlfn}, {@code imdn}, {@code imdn_baseline}, {@code swinir}, {@code span}, {@code rcan}, or a type a user registers with
 * {@link org.dckd.backbones.catalog.Backbones#register}); property names are snake_case. Implementations are
 * immutable and validate in their constructor, throwing {@link IllegalArgumentException} naming the offending field.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
public interface BackboneConfig {

    /** The upscaling factor. */
    int scale();

    /** Builds a new, uninitialised network from this config. */
    SrBackbone build();
}
