package org.dckd.nn.reparam;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.nn.Block;

import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.Tensor;
import org.dckd.nn.TorchModule;

/**
 * Turns a whole training-form network into the state dict of its deploy form: every {@link ReparameterizableBlock}
 * inside it is replaced by its merged convolution, everything else is copied unchanged.
 *
 * <pre>{@code
 * StateDict deploy = Reparameterization.deployStateDict(trainingNetwork);   // initialised, trained
 * WeightLoader.load(deployNetwork, deploy);                                  // strict: same config, deploy form
 * }</pre>
 *
 * <p>Key order follows the training network: the merged {@code weight} and {@code bias} of a block take the place of
 * its first training-form tensor, so a network whose deploy form is registered in the same order gets its keys in
 * its own order (SPAN's deploy keys come out in the order of the official NTIRE 2024 checkpoint).
 */
public final class Reparameterization {

    private Reparameterization() {}

    /**
     * The reparameterisable blocks of a network by state-dict prefix ({@code "block_1.c1_r."}), outermost first; a
     * reparameterisable block inside another one is not listed (the outer one merges it).
     *
     * @param network the network
     * @return the blocks, in registration order
     */
    public static Map<String, ReparameterizableBlock> blocks(Block network) {
        Map<String, ReparameterizableBlock> out = new LinkedHashMap<>();
        TorchModule.visitBlocks(network, (prefix, block) -> {
            if (block instanceof ReparameterizableBlock r && out.keySet().stream().noneMatch(prefix::startsWith)) {
                out.put(prefix, r);
            }
        });
        return out;
    }

    /**
     * The merged kernel of every reparameterisable block, by the state-dict prefix of the block.
     *
     * @param network an initialised network
     * @return the kernels, in registration order
     * @throws IllegalStateException if the network is not initialised
     */
    public static Map<String, ConvKernel> mergedKernels(Block network) {
        Map<String, ConvKernel> out = new LinkedHashMap<>();
        blocks(network).forEach((prefix, block) -> out.put(prefix, block.mergedKernel()));
        return out;
    }

    /**
     * The deploy-form state dict of an initialised training-form network: its state dict ({@link StateDict#of}) with
     * the tensors of every reparameterisable block replaced by the block's merged {@code weight} and {@code bias}
     * (under {@link ReparameterizableBlock#deployConvolutionName()}).
     *
     * @param network an initialised training-form network
     * @return the deploy state dict (float32 merged kernels; other tensors as the network holds them)
     * @throws IllegalStateException if the network is not initialised, or has no reparameterisable block
     */
    public static StateDict deployStateDict(Block network) {
        Map<String, ReparameterizableBlock> blocks = blocks(network);
        if (blocks.isEmpty()) {
            throw new IllegalStateException(network.getClass().getSimpleName() + " has no reparameterisable block; "
                    + "is it already in its deploy form?");
        }
        StateDict training = StateDict.of(network);
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<String> done = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : training.tensors().entrySet()) {
            String prefix = owner(e.getKey(), blocks);
            if (prefix == null) {
                out.put(e.getKey(), e.getValue());
            } else if (!done.contains(prefix)) {
                done.add(prefix);
                ReparameterizableBlock block = blocks.get(prefix);
                String name = block.deployConvolutionName();
                String base = prefix + (name.isEmpty() ? "" : name + ".");
                ConvKernel k = block.mergedKernel();
                out.put(base + "weight", k.weightTensor());
                out.put(base + "bias", k.biasTensor());
            }
        }
        return new StateDict(out, null);
    }

    /**
     * How far the merged kernels a checkpoint stores for a training-form network (SPAN's {@code eval_conv}, which the
     * official code refreshes from the branches) are from the merge of the branches the network now holds: the
     * largest {@code max |stored - merged| / max |merged|} over the blocks whose deploy tensors the checkpoint has.
     * After loading that checkpoint, a value near 1e-7 means the stored kernels are the float32 merge of the same
     * branches; a large one means they are stale (the network never uses them).
     *
     * @param network an initialised training-form network (typically with {@code stateDict} loaded)
     * @param stateDict the checkpoint
     * @return the largest relative deviation, or {@code NaN} if the checkpoint stores no merged kernel
     * @throws IllegalArgumentException if a stored kernel has another shape than the merge
     */
    public static double storedKernelDeviation(Block network, StateDict stateDict) {
        double worst = Double.NaN;
        for (Map.Entry<String, ReparameterizableBlock> e : blocks(network).entrySet()) {
            String name = e.getValue().deployConvolutionName();
            String base = e.getKey() + (name.isEmpty() ? "" : name + ".");
            Tensor w = stateDict.get(base + "weight");
            if (w == null) {
                continue;
            }
            ConvKernel merged = e.getValue().mergedKernel();
            ConvKernel stored = ConvKernel.of(w, stateDict.get(base + "bias"));
            double d = merged.maxAbsDifference(stored) / Math.max(merged.maxAbs(), Double.MIN_NORMAL);
            worst = Double.isNaN(worst) ? d : Math.max(worst, d);
        }
        return worst;
    }

    private static String owner(String key, Map<String, ReparameterizableBlock> blocks) {
        for (String prefix : blocks.keySet()) {
            if (key.startsWith(prefix)) {
                return prefix;
            }
        }
        return null;
    }
}
