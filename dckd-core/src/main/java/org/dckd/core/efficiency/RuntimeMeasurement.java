package org.dckd.core.efficiency;

import java.util.List;

/**
 * The runtime of a network by the challenge protocol: batch 1, warm-up passes first, then for each input the best of
 * a few runs of the forward pass alone (no image reading, no conversion), averaged over the inputs.
 *
 * @param device the device, e.g. {@code cpu()}
 * @param torchThreads PyTorch's intra-op threads as configured ({@code ai.djl.pytorch.num_threads}, or
 *     {@code default})
 * @param warmup the warm-up passes (on the first input, not timed)
 * @param runsPerImage the timed runs per input, of which the fastest counts
 * @param source where the inputs came from: a folder, or {@code random HxW}
 * @param images the inputs, each with its best time
 * @param peakMemory the peak memory during the timed passes
 */
public record RuntimeMeasurement(
        String device,
        String torchThreads,
        int warmup,
        int runsPerImage,
        String source,
        List<ImageRuntime> images,
        PeakMemory peakMemory) {

    /** Copies the list. */
    public RuntimeMeasurement {
        images = List.copyOf(images);
    }

    /** The mean over the inputs of the best time per input, in ms (the challenges' "average runtime"). */
    public double meanBestMs() {
        return images.stream().mapToDouble(ImageRuntime::bestMs).average().orElse(Double.NaN);
    }

    /**
     * One input of a runtime measurement.
     *
     * @param name the file name, or {@code random}
     * @param width LR width
     * @param height LR height
     * @param bestMs the fastest of the timed runs, in ms
     */
    public record ImageRuntime(String name, int width, int height, double bestMs) {}

    /**
     * Peak memory of the timed passes.
     *
     * @param kind what was measured ({@code resident set of the process} on CPU, {@code max allocated} on GPU)
     * @param mb the value in MB, NaN when not available
     * @param note why it is not available, or what it includes
     */
    public record PeakMemory(String kind, double mb, String note) {

        /** Whether a value was measured. */
        public boolean available() {
            return !Double.isNaN(mb);
        }
    }
}
