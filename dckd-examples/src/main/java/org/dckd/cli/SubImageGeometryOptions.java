package org.dckd.cli;

import org.dckd.data.prepare.SubImageExtractor;
import picocli.CommandLine.Option;

/** The {@code --crop} and {@code --step} options of the commands that cut sub-images (a picocli mixin). */
final class SubImageGeometryOptions {

    @Option(names = "--crop", defaultValue = "" + SubImageExtractor.DEFAULT_CROP, paramLabel = "PX",
            description = "HR sub-image size, a multiple of the scale (default: ${DEFAULT-VALUE}).")
    int crop;

    @Option(names = "--step", defaultValue = "" + SubImageExtractor.DEFAULT_STEP, paramLabel = "PX",
            description = "HR stride, a multiple of the scale (default: ${DEFAULT-VALUE}).")
    int step;
}
