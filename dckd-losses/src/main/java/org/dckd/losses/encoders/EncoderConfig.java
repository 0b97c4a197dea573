package org.dckd.losses.encoders;

import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The config of a frozen {@link FeatureEncoder}, Jackson-polymorphic on {@code type} with snake_case keys:
 * {@code vqgan} ({@link VqganEncoderConfig}), {@code vgg19} ({@link Vgg19EncoderConfig}) or {@code random}
 * ({@link RandomEncoderConfig}, the offline default). Implementations are immutable and validate in their constructor,
 * naming the offending key.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = VqganEncoderConfig.class, name = VqganEncoderConfig.TYPE),
    @JsonSubTypes.Type(value = Vgg19EncoderConfig.class, name = Vgg19EncoderConfig.TYPE),
    @JsonSubTypes.Type(value = RandomEncoderConfig.class, name = RandomEncoderConfig.TYPE)
})
public interface EncoderConfig {

    /**
     * Builds the encoder: initialised in {@code manager}, weights loaded or generated, and frozen.
     *
     * @param manager a long-lived manager (the run's); the encoder's parameters live there
     * @return the frozen encoder
     * @throws IllegalArgumentException if the checkpoint does not fit (the message names the file and keys)
     */
    FeatureEncoder build(NDManager manager);
}
