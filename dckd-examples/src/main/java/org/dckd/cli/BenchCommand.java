package org.dckd.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dckd bench}: measurements (the work itself is in its subcommands, e.g. {@code bench data}). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure the speed of parts of a training run.",
        subcommands = {BenchDataCommand.class, BenchTrainCommand.class, BenchInferCommand.class})
final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
