package org.dckd.checkpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Renames checkpoint keys, for checkpoints that store the same tensors under other names. Rules are applied in the
 * order they were added, each to the result of the previous one; a rule that does not match leaves the key unchanged.
 * Instances are immutable: every method returns a new mapping.
 *
 * <p>Example: the NTIRE 2022 {@code team04_rlfn.pth} names RLFN's tensors {@code fea_conv}, {@code B1..B4},
 * {@code LR_conv}:
 * <pre>{@code
 * KeyMapping team04 = KeyMapping.identity()
 *         .renamePrefix("fea_conv.", "conv_1.")
 *         .renamePrefix("LR_conv.", "conv_2.")
 *         .replaceRegex("^B(\\d+)\\.", "block_$1.");
 * }</pre>
 */
public final class KeyMapping implements UnaryOperator<String> {

    private static final KeyMapping IDENTITY = new KeyMapping(List.of());

    private final List<UnaryOperator<String>> rules;

    private KeyMapping(List<UnaryOperator<String>> rules) {
        this.rules = rules;
    }

    /** The mapping that keeps every key. */
    public static KeyMapping identity() {
        return IDENTITY;
    }

    /**
     * Adds a rule replacing a leading {@code from} with {@code to}.
     *
     * @param from the prefix to replace (for example {@code "fea_conv."})
     * @param to its replacement (may be empty)
     * @return the extended mapping
     */
    public KeyMapping renamePrefix(String from, String to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        return with(k -> k.startsWith(from) ? to + k.substring(from.length()) : k);
    }

    /**
     * Adds a rule renaming exactly one key.
     *
     * @param from the key to rename
     * @param to its new name
     * @return the extended mapping
     */
    public KeyMapping renameKey(String from, String to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        return with(k -> k.equals(from) ? to : k);
    }

    /**
     * Adds a rule replacing every match of a regular expression ({@link java.util.regex.Matcher#replaceAll} syntax,
     * so {@code $1} refers to a group).
     *
     * @param regex the pattern
     * @param replacement the replacement
     * @return the extended mapping
     */
    public KeyMapping replaceRegex(String regex, String replacement) {
        Pattern p = Pattern.compile(regex);
        Objects.requireNonNull(replacement, "replacement");
        return with(k -> p.matcher(k).replaceAll(replacement));
    }

    /**
     * Adds a rule dropping the keys the predicate accepts (they are then neither loaded nor reported as unexpected).
     *
     * @param keys which keys to drop
     * @return the extended mapping
     */
    public KeyMapping drop(Predicate<String> keys) {
        Objects.requireNonNull(keys, "keys");
        return with(k -> keys.test(k) ? null : k);
    }

    private KeyMapping with(UnaryOperator<String> rule) {
        List<UnaryOperator<String>> r = new ArrayList<>(rules);
        r.add(rule);
        return new KeyMapping(List.copyOf(r));
    }

    /**
     * Maps a checkpoint key.
     *
     * @param key the key as stored
     * @return the key the network uses, or {@code null} if a {@link #drop} rule removed it
     */
    @Override
    public String apply(String key) {
        String k = key;
        for (UnaryOperator<String> rule : rules) {
            if (k == null) {
                return null;
            }
            k = rule.apply(k);
        }
        return k;
    }
}
