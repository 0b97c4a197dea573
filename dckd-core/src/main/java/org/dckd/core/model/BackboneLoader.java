package org.dckd.core.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.ndarray.NDManager;

import org.dckd.backbones.BackboneConfig;
import org.dckd.backbones.catalog.Backbones;
import org.dckd.backbones.SrBackbone;
import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.WeightLoader;
import org.dckd.config.ConfigException;
import org.dckd.config.ConfigReader;
import org.dckd.core.config.NetworkSpec;

/**
 * Resolves a model given as a preset name ({@code rlfn_s}) or a config file ({@code my_net.yaml}) and builds it,
 * optionally loading weights strictly from a checkpoint; the one place networks are built, initialised and loaded (the
 * CLI's {@code --model}, an experiment's {@code student:} and {@code teacher:}).
 */
public final class BackboneLoader {

    private BackboneLoader() {}

    /**
     * The config file a {@code --model} value names, or {@code null} for a preset (for the output-location checks).
     *
     * @param model a preset name or a config file
     * @return the file, or {@code null}
     */
    public static Path configFile(String model) {
        return model == null || Backbones.presets().contains(model) ? null : Path.of(model);
    }

    /**
     * The config for a preset name or a JSON/YAML config file at a scale.
     *
     * @param model a preset name or a path to a config file whose top level is a backbone config with a {@code type}
     * @param scale the upscaling factor; a config file's own {@code scale} must agree
     * @return the config
     * @throws ConfigException if the model is neither a preset nor a readable, valid config, or the scales disagree
     */
    public static BackboneConfig config(String model, int scale) {
        if (Backbones.presets().contains(model)) {
            return Backbones.preset(model, scale);
        }
        Path file = Path.of(model);
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("--model '" + model + "' is neither a preset " + Backbones.presets()
                    + " nor an existing config file");
        }
        BackboneConfig config = ConfigReader.read(file, BackboneConfig.class);
        if (config.scale() != scale) {
            throw new ConfigException(file + ": at 'scale': the config says " + config.scale()
                    + " but scale " + scale + " was requested");
        }
        return config;
    }

    /**
     * Builds and initialises a network, and loads weights when a checkpoint is given.
     *
     * @param config the network config
     * @param weights a checkpoint ({@code .pth}, {@code .safetensors}, {@code .npz}), or {@code null} for random init
     * @param manager the manager that will own the parameters
     * @return the initialised network
     * @throws IOException if the checkpoint cannot be read or does not fit the network (the message names the file)
     */
    public static SrBackbone build(BackboneConfig config, Path weights, NDManager manager) throws IOException {
        return build(config, weights, null, manager);
    }

    /**
     * Builds and initialises a network, and loads weights when a checkpoint is given, from one entry of a wrapped
     * checkpoint when a key is given.
     *
     * @param config the network config
     * @param weights a checkpoint ({@code .pth}, {@code .safetensors}, {@code .npz}), or {@code null} for random init
     * @param weightsKey the entry of a wrapped checkpoint ({@code params_ema}, {@code params}, ...), or {@code null}
     *     for the checkpoint's own choice
     * @param manager the manager that will own the parameters
     * @return the initialised network
     * @throws IOException if the checkpoint cannot be read or does not fit the network (the message names the file)
     */
    public static SrBackbone build(BackboneConfig config, Path weights, String weightsKey, NDManager manager)
            throws IOException {
        SrBackbone net = config.build();
        net.initialize(manager);
        if (weights != null) {
            WeightLoader.load(net, weightsKey == null ? Checkpoints.read(weights) : Checkpoints.read(weights, weightsKey));
        }
        return net;
    }

    /**
     * Builds a network of an experiment: its backbone at the experiment's scale, initialised, with its weights.
     *
     * @param spec the network's spec ({@code student:} or {@code teacher:})
     * @param scale the experiment's scale
     * @param manager the manager that will own the parameters
     * @return the initialised network
     * @throws IOException if the checkpoint cannot be read or does not fit the network (the message names the file)
     */
    public static SrBackbone build(NetworkSpec spec, int scale, NDManager manager) throws IOException {
        return build(spec.backbone(scale), spec.weights(), spec.weightsKey(), manager);
    }
}
