package org.dckd.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import ai.djl.ndarray.NDManager;

import org.dckd.backbones.SrBackbone;
import org.dckd.config.ByteSize;
import org.dckd.core.eval.BenchmarkEvaluator;
import org.dckd.core.eval.SuperResolver;
import org.dckd.core.model.BackboneLoader;
import org.dckd.data.files.OutputLocations;
import org.dckd.data.image.Image;
import org.dckd.data.image.ImageFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dckd upscale}: super-resolve an image or every image of a folder, tiled for large images. */
@Command(name = "upscale", sortOptions = false,
        description = "Super-resolve an image or a folder of images with a network (PNG output, 8-bit RGB).")
final class UpscaleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOption device = new DeviceOption();

    @Option(names = "--model", required = true, paramLabel = "NAME|FILE",
            description = "A preset (see 'dckd presets') or a JSON/YAML backbone config file.")
    String model;

    @Option(names = "--weights", required = true, paramLabel = "FILE",
            description = "Checkpoint (.pth, .safetensors, .npz), e.g. runs/<name>/best/student_ema.safetensors.")
    Path weights;

    @Option(names = "--scale", required = true, description = "Upscaling factor.")
    int scale;

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "An image file or a folder.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output folder (created).")
    Path output;

    @Option(names = "--tile", defaultValue = "256", paramLabel = "PX",
            description = "LR tile size; 0 = whole images (default: ${DEFAULT-VALUE}).")
    int tile;

    @Option(names = "--tile-overlap", defaultValue = "16", paramLabel = "PX",
            description = "Overlap of neighbouring tiles (default: ${DEFAULT-VALUE}).")
    int tileOverlap;

    @Option(names = "--memory-budget", paramLabel = "SIZE",
            description = "Memory one inference pass may use (e.g. 2g); with --tile 0 a larger image runs in tiles that "
                    + "fit, with a log line (default: a quarter of the physical memory, at most 8g).")
    String memoryBudget;

    @Option(names = "--overwrite", description = "Replace existing output files (default: refuse).")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ai.djl.Device dev = device.device();   // checked before anything is read or written
        List<Path> files = inputs(input);
        // before anything is written: the outputs never touch an input, and no two inputs share an output name
        OutputLocations.of("--output", output).input("--input", input).input("--weights", weights)
                .input("--model", BackboneLoader.configFile(model)).check();
        if (Files.exists(output) && !Files.isDirectory(output)) {
            throw new IOException("--output " + output + " is a file; it must be a folder (it is created if missing)");
        }
        List<Path> targets = OutputLocations.distinctTargets(files, f -> output.resolve(outputName(f)));
        if (!overwrite) {
            for (Path target : targets) {
                if (Files.exists(target)) {
                    throw new IOException(target + " already exists; refusing to overwrite it (pass --overwrite)");
                }
            }
        }
        Files.createDirectories(output);
        try (NDManager manager = NDManager.newBaseManager(dev)) {
            SrBackbone net = BackboneLoader.build(BackboneLoader.config(model, scale), weights, manager);
            SuperResolver.Builder builder = SuperResolver.builder().setNetwork(net).optTile(tile)
                    .optTileOverlap(tile > 0 ? Math.min(tileOverlap, tile - 1) : 0);
            if (memoryBudget != null) {
                builder.optMemoryBudget(ByteSize.parse(memoryBudget, "--memory-budget"));
            }
            SuperResolver resolver = builder.build();
            for (int i = 0; i < files.size(); i++) {
                long t0 = System.nanoTime();
                Image lr = ImageFiles.read(files.get(i));
                Image sr;
                try (NDManager scope = manager.newSubManager()) {
                    sr = BenchmarkEvaluator.upscale(resolver, lr, scope);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(files.get(i) + ": " + e.getMessage(), e);
                }
                ImageFiles.writePng(sr.quantized(), targets.get(i),
                        overwrite ? ImageFiles.IfExists.REPLACE : ImageFiles.IfExists.FAIL);
                out.printf(Locale.ROOT, "%s (%dx%d) -> %s (%dx%d) %.2f s%n", files.get(i), lr.width(), lr.height(),
                        targets.get(i), sr.width(), sr.height(), (System.nanoTime() - t0) / 1e9);
                out.flush();
            }
        }
        return 0;
    }

    /** {@code <name without its extension>_x<scale>.png}. */
    private String outputName(Path file) {
        return ImageFiles.stem(file.getFileName().toString()) + "_x" + scale + ".png";
    }

    private static List<Path> inputs(Path input) throws IOException {
        if (Files.isRegularFile(input)) {
            return List.of(input);
        }
        if (!Files.isDirectory(input)) {
            throw new IOException("--input " + input + " is neither an image file nor a folder");
        }
        try (Stream<Path> s = Files.list(input)) {
            List<Path> files = s.filter(ImageFiles::isImageFile).sorted().toList();
            if (files.isEmpty()) {
                throw new IOException("--input " + input + " holds no image files");
            }
            return files;
        }
    }
}
