package org.dckd.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dckd prepare}: one-off preparation of training data (the work itself is in its subcommands). */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = "Prepare training data: LR images, sub-images, DIV2K.",
        subcommands = {PrepareLrCommand.class, PrepareSubimagesCommand.class, PrepareDiv2kCommand.class})
final class PrepareCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: lr, subimages or div2k");
    }
}
