package org.dckd.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.dckd.data.prepare.Div2kPreparer;
import org.dckd.data.prepare.Sha256Sums;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dckd prepare div2k}: download (with SHA-256 verification), unpack and prepare DIV2K. */
@Command(name = "div2k", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Download the official DIV2K archives (HR and bicubic LR), verify them against SHA-256",
            "checksums you supply, unpack them into the standard layout and cut the training split into sub-images.",
            "Archives already in the archive folder are verified and used; re-running skips finished steps."})
final class PrepareDiv2kCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "DIV2K root folder.")
    Path out;

    @Option(names = "--sha256", required = true, paramLabel = "FILE",
            description = "Checksum file ('SHA256HEX  FILENAME' lines, as sha256sum writes) listing every archive.")
    Path sha256;

    @Option(names = "--scale", defaultValue = "4",
            description = "Scale of the LR archives: 2, 3 or 4 (default: ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--splits", defaultValue = "train,valid", split = ",",
            description = "Splits to prepare (default: ${DEFAULT-VALUE}).")
    List<String> splits;

    @Option(names = "--archives", paramLabel = "DIR",
            description = "Where archives are looked for and downloaded to (default: <out>/downloads).")
    Path archives;

    @Option(names = "--base-url", defaultValue = "http://data.vision.ee.ethz.ch/cvl/DIV2K/", paramLabel = "URL",
            description = "Where the archives are served (default: ${DEFAULT-VALUE}).")
    URI baseUrl;

    @Option(names = "--no-subimages", description = "Do not cut the training split into sub-images.")
    boolean noSubimages;

    @Mixin
    SubImageGeometryOptions geometry;

    @Option(names = "--workers", defaultValue = "2",
            description = "Threads for the sub-images (default: ${DEFAULT-VALUE}).")
    int workers;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        List<Div2kPreparer.Split> s = new ArrayList<>();
        for (String name : splits) {
            try {
                s.add(Div2kPreparer.Split.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--splits: unknown split '" + name + "' (train, valid)", e);
            }
        }
        Div2kPreparer.Report r = Div2kPreparer.builder().setRoot(out).setChecksums(Sha256Sums.read(sha256))
                .optScale(scale).optSplits(s).optArchiveFolder(archives).optBaseUri(baseUrl)
                .optSubImages(!noSubimages).optSubImageGeometry(geometry.crop, geometry.step).optWorkers(workers)
                .optListener(ConsoleProgress.forCommand(spec.commandLine().getErr())).build().prepare();
        o.printf("DIV2K in %s: %d archives downloaded, %d unpacked%s%n", r.root(), r.downloaded().size(),
                r.unpacked().size(), r.subImages() == null ? ""
                        : ", " + r.subImages().subImages() + " training sub-images");
        o.printf("As a training source:%n  - type: div2k%n    root: %s%n", r.root());
        o.flush();
        return 0;
    }
}
