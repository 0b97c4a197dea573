package org.dckd.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;

/**
 * The output of a network together with named intermediate features ("taps"), in forward order.
 *
 * @param output the network output
 * @param features the intermediate features by tap name (unmodifiable, forward order)
 */
public record TappedOutput(NDArray output, Map<String, NDArray> features) {

    /** Creates the record; {@code features} is copied, keeping its iteration order. */
    public TappedOutput {
        features = Collections.unmodifiableMap(new LinkedHashMap<>(features));
    }

    /**
     * The feature of one tap.
     *
     * @param name a tap name such as {@code block_3}
     * @return the feature
     * @throws IllegalArgumentException naming the known taps if there is no such tap
     */
    public NDArray feature(String name) {
        NDArray f = features.get(name);
        if (f == null) {
            throw new IllegalArgumentException("no feature tap '" + name + "'; taps: " + features.keySet());
        }
        return f;
    }
}
