package org.dckd.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.dckd.data.prepare.FileNamePattern;
import org.dckd.data.prepare.MetaInfo;
import org.dckd.data.prepare.SubImageExtractor;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dckd prepare subimages}: BasicSR-style overlapping sub-images with meta-info files. */
@Command(name = "subimages", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Cut HR images (and their LR images) into overlapping sub-images once, as BasicSR's",
            "extract_subimages does, so that training decodes small files. Writes <hr>_sub and <lr>_sub with a",
            "meta_info.txt each; training sources use them automatically (use_subimages)."})
final class PrepareSubimagesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--hr", required = true, paramLabel = "DIR", description = "Folder of HR images.")
    Path hr;

    @Option(names = "--lr", paramLabel = "DIR",
            description = "Folder of LR images; without it the LR images are made from the HR images"
                + " (MATLAB-exact bicubic).")
    Path lr;

    @Option(names = "--scale", required = true, description = "Scale factor.")
    int scale;

    @Option(names = "--lr-pattern", defaultValue = "{name}x{scale}.png",
            description = "LR file names in --lr (default: ${DEFAULT-VALUE}).")
    String lrPattern;

    @Mixin
    SubImageGeometryOptions geometry;

    @Option(names = "--threshold", defaultValue = "0", paramLabel = "PX",
            description = "Border strips up to this wide get no extra window (default: ${DEFAULT-VALUE}).")
    int threshold;

    @Option(names = "--out-hr", paramLabel = "DIR", description = "HR output folder (default: <hr>_sub).")
    Path outHr;

    @Option(names = "--out-lr", paramLabel = "DIR", description = "LR output folder (default: <lr>_sub).")
    Path outLr;

    @Option(names = "--workers", defaultValue = "2", description = "Threads (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--overwrite", description = "Redo complete output folders.")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        SubImageExtractor.Report r = SubImageExtractor.builder().setHrFolder(hr).optLrFolder(lr).setScale(scale)
                .optLrPattern(new FileNamePattern(lrPattern)).optCropSize(geometry.crop).optStep(geometry.step).optThreshold(threshold)
                .optHrOutput(outHr).optLrOutput(outLr).optWorkers(workers).optOverwrite(overwrite)
                .optListener(ConsoleProgress.forCommand(spec.commandLine().getErr())).build().extract();
        o.printf("%d images -> %d sub-images of %d px (LR %d px)%n", r.images(), r.subImages(), geometry.crop, geometry.crop / scale);
        o.printf("HR: %s%s%nLR: %s%n", r.hrOutput(), r.hrReused() ? " (shared with an earlier scale)" : "",
                r.lrOutput());
        o.printf("As a training source:%n  - type: paired%n    hr: %s%n    lr: %s%n    lr_pattern: \"{name}.{ext}\"%n"
                + "    meta_info: %s%n", r.hrOutput(), r.lrOutput(), r.hrOutput().resolve(MetaInfo.FILE_NAME));
        o.flush();
        return 0;
    }
}
