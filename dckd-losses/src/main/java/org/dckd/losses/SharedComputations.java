package org.dckd.losses;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Results that several loss terms of one training step need, computed once and shared explicitly: a term asks for a
 * value under a key that names what it is (for example "the encoder's pass over the student output, rows 0 to 8"),
 * and the first term to ask computes it. The store lives as long as the step's {@link LossContext}, so nothing is kept
 * across steps and no result is matched by array identity.
 *
 * <p>Keys must implement {@code equals}/{@code hashCode} by value (records do). Values belong to the step's manager
 * (the caller that computes them attaches them there); they must not be closed or modified in place by the terms that
 * read them.
 */
public final class SharedComputations {

    private final Map<Object, Object> values = new HashMap<>();

    /** Creates an empty store (one per step). */
    public SharedComputations() {}

    /**
     * The value under {@code key}, computed by {@code compute} if no term has asked for it in this step yet.
     *
     * @param key what the value is (a record)
     * @param type the value's type
     * @param compute computes the value
     * @param <T> the value's type
     * @return the shared value
     * @throws ClassCastException if the key was stored with a value of another type
     */
    public <T> T computeIfAbsent(Object key, Class<T> type, Supplier<? extends T> compute) {
        Object v = values.get(key);
        if (v == null) {
            v = compute.get();
            values.put(key, v);
        }
        return type.cast(v);
    }

    /**
     * The value under {@code key}, if a term computed or stored it in this step.
     *
     * @param key what the value is
     * @param type the value's type
     * @param <T> the value's type
     * @return the value, or {@code null}
     */
    public <T> T get(Object key, Class<T> type) {
        return type.cast(values.get(key));
    }

    /**
     * Stores a value another term will read (a term that computed it as part of a larger batch).
     *
     * @param key what the value is
     * @param value the value
     * @throws IllegalStateException if a value is already stored under the key
     */
    public void put(Object key, Object value) {
        if (values.putIfAbsent(key, value) != null) {
            throw new IllegalStateException("a shared value is already stored under " + key);
        }
    }
}
