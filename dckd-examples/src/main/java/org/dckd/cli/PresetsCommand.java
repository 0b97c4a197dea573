package org.dckd.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import ai.djl.ndarray.NDManager;

import org.dckd.backbones.catalog.Backbones;
import org.dckd.backbones.SrBackbone;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dckd presets}: lists the built-in backbone presets with their parameter counts. */
@Command(name = "presets", description = "List the built-in backbone presets and their parameter counts.")
final class PresetsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--scale", defaultValue = "4", description = "Upscaling factor (default: ${DEFAULT-VALUE}).")
    int scale;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-20s %12s  %s%n", "preset", "parameters", "input range");
        try (NDManager manager = NDManager.newBaseManager()) {
            for (String name : Backbones.presets()) {
                SrBackbone net = Backbones.preset(name, scale).build();
                net.initialize(manager);
                out.printf("%-20s %,12d  [0, %s]%n", name, net.parameterCount(), fmt(net.inputRange()));
            }
        }
        out.flush();
        return 0;
    }

    private static String fmt(float v) {
        return v == Math.rint(v) ? Integer.toString((int) v) : Float.toString(v);
    }
}
