package org.dckd.checkpoint;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import ai.djl.nn.Block;

import org.dckd.nn.TorchModule;

/**
 * A block that holds PyTorch buffers: tensors in the state dict that are not trainable parameters (SwinIR's
 * {@code relative_position_index}, for example). {@link StateDict#of} saves them after the parameters;
 * {@link WeightLoader} checks them (see {@link #verifiedBuffers()}) and never loads them. Their keys are the block's
 * state-dict prefix ({@link TorchModule#visitBlocks}) plus the names given here.
 */
public interface BufferOwner {

    /**
     * The buffers of this block (names relative to the block), with the values this block derives itself. A checkpoint
     * may contain them or not; if it does, the shape must match, and {@link #verifiedBuffers()} says which must also
     * match in value.
     *
     * @return the buffers by name
     */
    Map<String, Tensor> torchBuffers();

    /** Buffer names whose stored values must equal the derived ones (e.g. an index table); default none. */
    default Set<String> verifiedBuffers() {
        return Set.of();
    }

    /**
     * All buffers declared by {@link BufferOwner} blocks inside {@code block}, keyed by state-dict key.
     *
     * @param block the root block
     * @return the buffers, in block order
     */
    static Map<String, Tensor> buffersOf(Block block) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        TorchModule.visitBlocks(block, (prefix, b) -> {
            if (b instanceof BufferOwner owner) {
                owner.torchBuffers().forEach((k, v) -> out.put(prefix + k, v));
            }
        });
        return out;
    }

    /**
     * The state-dict keys of the buffers inside {@code block} whose values a loader must verify.
     *
     * @param block the root block
     * @return the keys
     */
    static Set<String> verifiedBuffersOf(Block block) {
        Set<String> out = new LinkedHashSet<>();
        TorchModule.visitBlocks(block, (prefix, b) -> {
            if (b instanceof BufferOwner owner) {
                owner.verifiedBuffers().forEach(n -> out.add(prefix + n));
            }
        });
        return out;
    }
}
