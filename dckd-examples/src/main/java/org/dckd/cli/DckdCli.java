package org.dckd.cli;

import java.io.PrintWriter;

import org.dckd.nn.DjlRuntime;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code dckd} command line. Run {@code ./dckd --help} for the commands and {@code ./dckd COMMAND --help} for
 * their options.
 */
@Command(
        name = "dckd",
        mixinStandardHelpOptions = true,
        versionProvider = DckdCli.Version.class,
        description = "Dynamic contrastive knowledge distillation for super-resolution, on Deep Java Library.",
        subcommands = {QuickstartCommand.class, TrainCommand.class, TrainCommand.Distill.class, EvaluateCommand.class,
                UpscaleCommand.class, ReparameterizeCommand.class, ProfileCommand.class,
                PresetsCommand.class, PrepareCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class DckdCli {

    static {
        DjlRuntime.ensureOffline();
    }

    private DckdCli() {}

    /**
     * Runs the command line and exits with its status.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status (0 success, 1 failure, 2 usage error). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured picocli command line (for tests and embedding). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new DckdCli());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            err.println(cmd.getCommandSpec().qualifiedName() + ": error: " + message(ex)); // "dckd bench train: ..."
            if (Boolean.getBoolean("dckd.stacktrace")) {
                ex.printStackTrace(err);
            } else {
                err.println("(run with DCKD_JAVA_OPTS=-Ddckd.stacktrace=true for the stack trace)");
            }
            err.flush();
            return 1;
        });
        return cl;
    }

    private static String message(Throwable ex) {
        String m = ex.getMessage();
        return m == null || m.isBlank() ? ex.toString() : m;
    }

    /** The version from the jar manifest, if any. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = DckdCli.class.getPackage().getImplementationVersion();
            return new String[] {"dckd " + (v == null ? "(development build)" : v)};
        }
    }
}
