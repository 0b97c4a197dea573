package org.dckd.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.dckd.data.prepare.BicubicLrGenerator;
import org.dckd.data.prepare.FileNamePattern;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dckd prepare lr}: an LR folder from an HR folder with MATLAB-exact bicubic downscaling. */
@Command(name = "lr", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make the LR images of an HR folder with MATLAB-exact bicubic (imresize on uint8): each HR",
            "image is modcropped to a multiple of the scale and downscaled. Existing up-to-date LR files are kept."})
final class PrepareLrCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--hr", required = true, paramLabel = "DIR", description = "Folder of HR images.")
    Path hr;

    @Option(names = "--scale", required = true, description = "Downscaling factor.")
    int scale;

    @Option(names = "--out", paramLabel = "DIR",
            description = "LR folder (default: X_HR -> X_LR_bicubic/X<s>, HR -> LR_bicubic/X<s>,"
                + " NAME -> NAME_LR_bicubic/X<s>).")
    Path out;

    @Option(names = "--pattern", defaultValue = "{name}x{scale}.png",
            description = "LR file names; placeholders {name}, {scale}, {ext} (default: ${DEFAULT-VALUE}).")
    String pattern;

    @Option(names = "--workers", defaultValue = "2", description = "Threads (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--overwrite", description = "Regenerate LR files that exist already.")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        BicubicLrGenerator.Report r = BicubicLrGenerator.builder().setHrFolder(hr).setScale(scale).optOutput(out)
                .optPattern(new FileNamePattern(pattern)).optWorkers(workers).optOverwrite(overwrite)
                .optListener(ConsoleProgress.forCommand(spec.commandLine().getErr())).build().generate();
        o.printf("%s: %d LR images written, %d up to date%n", r.output(), r.generated(), r.kept());
        o.flush();
        return 0;
    }
}
