package org.dckd.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;

import picocli.CommandLine.Option;

/**
 * {@code --device cpu|gpu|gpu:N}, shared by every command that computes (a picocli mixin), checked against the devices
 * the engine sees before anything is loaded.
 */
final class DeviceOption {

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE",
            description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String name;

    private Device parsed;

    /**
     * The device (parsed and checked on the first call; commands call it first, before reading or writing anything).
     *
     * @return the parsed device
     * @throws IllegalArgumentException naming {@code --device} for a malformed name or a GPU this machine lacks
     */
    Device device() {
        if (parsed != null) {
            return parsed;
        }
        if (name == null || !name.matches("cpu|gpu(:\\d{1,4})?")) {
            throw new IllegalArgumentException("--device: expected cpu, gpu or gpu:N, got '" + name + "'");
        }
        Device device = name.equals("cpu") ? Device.cpu()
                : name.equals("gpu") ? Device.gpu() : Device.gpu(Integer.parseInt(name.substring(4)));
        if (device.isGpu()) {
            int gpus = Engine.getInstance().getGpuCount();
            if (device.getDeviceId() >= gpus) {
                throw new IllegalArgumentException("--device " + name + ": PyTorch sees " + gpus + " GPU(s) here"
                        + (gpus == 0 ? " (the default build bundles the CPU libtorch; build with -Dcuda, see"
                                + " docs/dependencies.md)" : ""));
            }
        }
        parsed = device;
        return device;
    }
}
