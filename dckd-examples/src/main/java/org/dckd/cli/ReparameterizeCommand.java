package org.dckd.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import ai.djl.ndarray.NDManager;

import org.dckd.backbones.BackboneConfig;
import org.dckd.backbones.DeployConversion;
import org.dckd.backbones.ReparameterizableConfig;
import org.dckd.backbones.SrBackbone;
import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.WeightLoader;
import org.dckd.config.ConfigException;
import org.dckd.config.ConfigReader;
import org.dckd.core.model.BackboneLoader;
import org.dckd.data.files.OutputLocations;
import org.dckd.nn.reparam.Reparameterization;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dckd reparameterize}: turns the weights of a training-form network (SPAN's {@code Conv3XC} branches, LIPT's
 * DiverseBranchBlocks and convolution + BatchNorm projections) into
 * the weights of its deploy form (one 3x3 convolution per block), checked on a probe input, written atomically.
 */
@Command(name = "reparameterize", sortOptions = false,
        description = {"Merge the training branches of a reparameterisable network (SPAN, LIPT) into its deploy form.",
            "The training weights are loaded strictly into the training form of --model (a deploy-form preset such as"
                + " span_ntire2024 is switched to its training form), the branches are merged exactly, the result is"
                + " checked against the training form on a probe input, and written to --out (.safetensors or .pth)."})
final class ReparameterizeCommand implements Callable<Integer> {

    /** The scale used for a preset when {@code --scale} is not given. */
    static final int DEFAULT_SCALE = 4;

    /**
     * Above this relative deviation, merged kernels stored beside the branches (SPAN's {@code eval_conv}) are reported
     * as stale: a float32 merge of the same branches deviates by about 2e-7.
     */
    static final double STALE_TOLERANCE = 1e-5;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "NAME|FILE",
            description = "A preset (see 'dckd presets') or a JSON/YAML backbone config file, either form.")
    String model;

    @Option(names = "--weights", required = true, paramLabel = "FILE",
            description = "Training-form checkpoint: .safetensors, .pth (zip or legacy) or .npz.")
    Path weights;

    @Option(names = "--weights-key", paramLabel = "KEY",
            description = "The entry of a wrapped checkpoint (params_ema, params, ...); default: the usual choice.")
    String weightsKey;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "The deploy-form weights to write: .safetensors or .pth.")
    Path out;

    @Option(names = "--scale", paramLabel = "S",
            description = "Upscaling factor (default: a config file's own scale, " + DEFAULT_SCALE + " for a preset).")
    Integer scale;

    @Option(names = "--force", description = "Replace an existing --out file (default: refuse).")
    boolean force;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        String format = format(out);
        OutputLocations.of("--out", out).input("--weights", weights).input("--model", BackboneLoader.configFile(model))
                .check();
        if (!Files.isRegularFile(weights)) {
            throw new IOException("--weights " + weights + " does not exist or is not a file");
        }
        if (Files.exists(out) && !force) {
            throw new IOException(out + " already exists; refusing to overwrite it (pass --force)");
        }
        BackboneConfig config = BackboneLoader.config(model, scale != null ? scale : defaultScale(model));
        if (!(config instanceof ReparameterizableConfig rc)) {
            throw new ConfigException("--model " + model + " (" + config.getClass().getSimpleName() + ") has no deploy"
                    + " form: only reparameterisable networks (types span, lipt) can be reparameterised");
        }
        ReparameterizableConfig trainingConfig = rc.trainingForm();
        try (NDManager manager = NDManager.newBaseManager()) {
            StateDict trainingSd = weightsKey == null ? Checkpoints.read(weights) : Checkpoints.read(weights, weightsKey);
            SrBackbone training = trainingConfig.build();
            training.initialize(manager);
            WeightLoader.load(training, trainingSd);
            double stale = Reparameterization.storedKernelDeviation(training, trainingSd);
            if (stale > STALE_TOLERANCE) {
                spec.commandLine().getErr().printf(Locale.ROOT, "dckd reparameterize: warning: the merged kernels stored"
                        + " in %s differ from the merge of its branches by %.3g of their size; they are stale and"
                        + " ignored (the deploy weights are merged from the branches)%n", weights, stale);
            }
            DeployConversion deploy = DeployConversion.of(training);
            stdout.printf(Locale.ROOT, "%s: training form %,d parameters -> deploy form %,d parameters (%d merged "
                    + "convolutions)%n", weights, deploy.trainingParameters(), deploy.deployParameters(),
                    Reparameterization.blocks(training).size());
            stdout.printf(Locale.ROOT, "check on probe inputs: every merged convolution within %.3g of its branches' "
                    + "max |y|; whole network max |y_train - y_deploy| / max |y_train| = %.3g%n",
                    deploy.blockDifference(), deploy.probeDifference());
            CopyOption[] options = force ? new CopyOption[] {StandardCopyOption.REPLACE_EXISTING} : new CopyOption[0];
            if (format.equals("pth")) {
                Checkpoints.writePth(deploy.stateDict(), out, options);
            } else {
                Checkpoints.writeSafetensors(deploy.stateDict(), out, Map.of("format", "pt", "dckd_form", "deploy"),
                        options);
            }
            stdout.println("wrote " + out + " (" + deploy.stateDict().size() + " tensors; load it with the deploy form:"
                    + " a config with deploy: true" + ")");
        }
        stdout.flush();
        return 0;
    }

    private String format(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".safetensors")) {
            return "safetensors";
        }
        if (name.endsWith(".pth") || name.endsWith(".pt")) {
            return "pth";
        }
        throw new ParameterException(spec.commandLine(), "--out " + file + ": the name must end in .safetensors or "
                + ".pth (the format is chosen by it)");
    }

    private static int defaultScale(String model) {
        Path file = BackboneLoader.configFile(model);
        if (file == null || !Files.isRegularFile(file)) {
            return DEFAULT_SCALE;
        }
        return ConfigReader.read(file, BackboneConfig.class).scale();
    }
}
