package org.dckd.core.config;

import java.nio.file.Path;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import org.dckd.backbones.BackboneConfig;
import org.dckd.backbones.catalog.Backbones;

/**
 * A network of an experiment: a preset name or a full backbone config, and optionally weights to load.
 *
 * <pre>{@code
 * teacher: {preset: rlfn, weights: weights/rlfn_x4.pth}
 * student: {network: {type: rlfn, feature_channels: 32, blocks: 4}}   # scale is the experiment's
 * }</pre>
 *
 * <p>In an experiment file the {@code network}'s {@code scale} may be omitted: {@link ExperimentConfig#load} reads it
 * with the experiment's scale, and refuses another one.
 *
 * @param preset a preset name ({@code rlfn}, {@code swinir_lightweight}, ...), or null
 * @param network a backbone config (typed by its {@code type} key; unknown keys are errors naming their path), or null
 * @param weights a checkpoint to load strictly, or null (random init)
 * @param weightsKey the entry of a wrapped checkpoint to use ({@code params_ema}, {@code params}, ...), or null
 */
public record NetworkSpec(String preset, BackboneConfig network, Path weights, String weightsKey) {

    /** Validates: exactly one of {@code preset} and {@code network}; a known preset. */
    @JsonCreator
    public NetworkSpec(@JsonProperty("preset") String preset, @JsonProperty("network") BackboneConfig network,
            @JsonProperty("weights") Path weights, @JsonProperty("weights_key") String weightsKey) {
        if ((preset == null) == (network == null)) {
            throw new IllegalArgumentException("give exactly one of 'preset' and 'network'");
        }
        if (preset != null && !Backbones.presets().contains(preset)) {
            throw new IllegalArgumentException("unknown preset '" + preset + "'; known presets: " + Backbones.presets());
        }
        this.preset = preset;
        this.network = network;
        this.weights = weights;
        this.weightsKey = weightsKey;
    }

    /**
     * The backbone config at the experiment's scale: the preset's at that scale, or the {@code network}.
     *
     * @param scale the experiment's scale
     * @return the config
     * @throws IllegalArgumentException if the {@code network} upscales by another factor
     */
    public BackboneConfig backbone(int scale) {
        if (preset != null) {
            return Backbones.preset(preset, scale);
        }
        if (network.scale() != scale) {
            throw new IllegalArgumentException("the network upscales x" + network.scale() + ", the experiment x"
                    + scale);
        }
        return network;
    }
}
