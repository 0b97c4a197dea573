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
 * @param preset a preset name ({@code rlfn}, {@code swinir_lightweight}, ...), or null
 * @param network a backbone config (its {@code scale} may be omitted: the experiment's is used), or null
 * @param weights a checkpoint to load strictly, or null (random init)
 * @param weightsKey the entry of a wrapped checkpoint to use ({@code params_ema}, {@code params}, ...), or null
 */
public record NetworkSpec(String preset, com.fasterxml.jackson.databind.JsonNode network, Path weights,
        String weightsKey) {

    /** Validates: exactly one of {@code preset} and {@code network}; a known preset. */
    @JsonCreator
    public NetworkSpec(@JsonProperty("preset") String preset,
            @JsonProperty("network") com.fasterxml.jackson.databind.JsonNode network,
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
     * The backbone config at the experiment's scale.
     *
     * @param scale the experiment's scale
     * @param mapper the strict mapper (for the {@code network} object)
     * @param path the key path of this spec, for messages ({@code teacher})
     * @return the config
     */
    public BackboneConfig resolve(int scale, com.fasterxml.jackson.databind.ObjectMapper mapper, String path) {
        if (preset != null) {
            return Backbones.preset(preset, scale);
        }
        com.fasterxml.jackson.databind.node.ObjectNode tree = network.deepCopy();
        if (!tree.has("scale")) {
            tree.put("scale", scale);
        }
        BackboneConfig c = org.dckd.config.ConfigReader.convert(mapper, tree, BackboneConfig.class, path + ".network");
        if (c.scale() != scale) {
            throw new org.dckd.config.ConfigException("at '" + path + ".network.scale': " + c.scale()
                    + " differs from the experiment's scale " + scale);
        }
        return c;
    }
}
