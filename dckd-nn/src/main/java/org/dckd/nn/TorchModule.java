package org.dckd.nn;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;


/**
 * PyTorch state-dict naming of DJL blocks.
 *
 * <p>Convention used by every dckd network: a child block is added with {@code addChildBlock(torchName, block)}, where
 * {@code torchName} is the attribute path of the corresponding PyTorch module (it may contain dots, e.g.
 * {@code upsampler.0}); parameters a block creates itself carry their PyTorch names ({@code weight}, {@code bias},
 * {@code relative_position_bias_table}). DJL prefixes child names with a two-digit ordinal ({@code 01conv_1}); this
 * class removes it, and maps DJL's {@code LayerNorm}/{@code BatchNorm} names {@code gamma}/{@code beta} to
 * {@code weight}/{@code bias}. Non-parameter state (PyTorch buffers such as SwinIR's
 * {@code relative_position_index}) is declared by implementing {@code org.dckd.checkpoint.BufferOwner}, whose keys
 * follow the same naming ({@link #visitBlocks}).
 *
 * <p>DJL's own containers ({@code SequentialBlock}, {@code ParallelBlock}) name their children after the child's class
 * ({@code 01Conv2d}, {@code 02LambdaBlock}, {@code 03Conv2d}); without their ordinals two children would share a name.
 * Their children are therefore named by their 0-based position, as PyTorch's {@code nn.Sequential} names them
 * ({@code 0.weight}, {@code 2.weight}), which is unique and stable and what PyTorch expects when such a network is saved
 * for it. Any other block whose children would still get the same name, or two parameters the same key, is refused
 * with the names ({@link IllegalStateException}): a state dict must never silently drop a tensor.
 */
public final class TorchModule {

    private TorchModule() {}

    /** All parameters of {@code block}, keyed by their PyTorch state-dict key, in registration order. */
    public static Map<String, Parameter> parameters(Block block) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collectParameters(block, "", out);
        return out;
    }

    /**
     * Calls {@code visitor} with {@code block} and every block inside it, depth first in registration order, each with
     * its state-dict key prefix ({@code ""} for the root, {@code "layers.0.blocks.1."} below it): the keys of a block's
     * own tensors are this prefix plus their names.
     *
     * @param block the root block
     * @param visitor receives the prefix and the block
     * @throws IllegalStateException if two children of a block would get the same name
     */
    public static void visitBlocks(Block block, java.util.function.BiConsumer<String, Block> visitor) {
        walk(block, "", visitor);
    }

    /** The number of parameter elements (the figure papers quote as "params"). Parameters must be initialised. */
    public static long parameterCount(Block block) {
        long n = 0;
        for (Parameter p : parameters(block).values()) {
            n += p.getArray().getShape().size();
        }
        return n;
    }

    /**
     * The number of elements of the parameters that are trained ({@code requires_grad} in PyTorch; DJL's
     * {@link Parameter#requiresGradient()}). Parameters must be initialised.
     *
     * @param block the root block
     * @return the count, at most {@link #parameterCount(Block)}
     */
    public static long trainableParameterCount(Block block) {
        long n = 0;
        for (Parameter p : parameters(block).values()) {
            if (p.requiresGradient()) {
                n += p.getArray().getShape().size();
            }
        }
        return n;
    }

    /**
     * Removes DJL's two-digit child ordinal ({@code 03block_1 -> block_1}). DJL numbers children {@code %02d}, so the
     * 100th and later children carry three or more digits; the traversals of this class therefore strip the ordinal
     * by position ({@link #torchName(String, int)}).
     */
    public static String torchName(String djlChildName) {
        if (djlChildName.length() > 2 && Character.isDigit(djlChildName.charAt(0))
                && Character.isDigit(djlChildName.charAt(1))) {
            return djlChildName.substring(2);
        }
        return djlChildName;
    }

    /**
     * Removes the ordinal DJL gave the {@code position}-th child (1-based): {@code String.format("%02d", position)}.
     *
     * @param djlChildName the name as DJL stores it
     * @param position the child's 1-based position among its parent's children
     * @return the PyTorch attribute name
     */
    static String torchName(String djlChildName, int position) {
        String ordinal = String.format(java.util.Locale.ROOT, "%02d", position);
        return djlChildName.startsWith(ordinal) ? djlChildName.substring(ordinal.length()) : torchName(djlChildName);
    }

    private static String torchParameterName(String djlName) {
        return switch (djlName) {
            case "gamma" -> "weight";
            case "beta" -> "bias";
            case "runningMean" -> "running_mean";
            case "runningVar" -> "running_var";
            default -> djlName;
        };
    }

    private static void collectParameters(Block block, String prefix, Map<String, Parameter> out) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            String key = prefix + torchParameterName(p.getKey());
            Parameter before = out.putIfAbsent(key, p.getValue());
            if (before != null && before != p.getValue()) {
                throw new IllegalStateException("two parameters of " + describe(block, prefix) + " get the state-dict "
                        + "key '" + key + "' (DJL names '" + p.getKey() + "'); rename one so that every tensor is "
                        + "saved and trained");
            }
        }
        List<String> names = childNames(block, prefix);
        int i = 0;
        for (Pair<String, Block> c : block.getChildren()) {
            collectParameters(c.getValue(), prefix + names.get(i++) + ".", out);
        }
    }

    /**
     * The state-dict names of a block's children: their names without DJL's ordinal, or their 0-based positions for
     * DJL's containers (see the class comment).
     *
     * @throws IllegalStateException if two children would get the same name
     */
    static List<String> childNames(Block block, String prefix) {
        List<String> names = new ArrayList<>();
        boolean container = block instanceof SequentialBlock || block instanceof ParallelBlock;
        int position = 0;
        for (Pair<String, Block> c : block.getChildren()) {
            position++;
            names.add(container ? Integer.toString(position - 1) : torchName(c.getKey(), position));
        }
        Set<String> seen = new HashSet<>();
        for (int k = 0; k < names.size(); k++) {
            if (!seen.add(names.get(k))) {
                List<String> djl = new ArrayList<>();
                block.getChildren().forEach(c -> djl.add(c.getKey()));
                throw new IllegalStateException(describe(block, prefix) + " has two children named '" + names.get(k)
                        + "' once DJL's ordinals are removed (children " + djl + "); give them distinct names with "
                        + "addChildBlock(name, block), or use a SequentialBlock, whose children are numbered");
            }
        }
        return names;
    }

    private static String describe(Block block, String prefix) {
        return block.getClass().getSimpleName() + (prefix.isEmpty() ? " (the root)" : " '" + prefix.substring(0,
                prefix.length() - 1) + "'");
    }

    private static void walk(Block block, String prefix, java.util.function.BiConsumer<String, Block> visitor) {
        visitor.accept(prefix, block);
        List<String> names = childNames(block, prefix);
        int i = 0;
        for (Pair<String, Block> c : block.getChildren()) {
            walk(c.getValue(), prefix + names.get(i++) + ".", visitor);
        }
    }
}
