package org.dckd.core.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The optimizer of an experiment ({@code optimizer.type}): {@code adam} or {@code adamw}. */
public enum OptimizerType {
    /** Adam, weight decay added to the gradient (L2), as {@code torch.optim.Adam}. */
    ADAM,
    /** AdamW, decoupled weight decay, as {@code torch.optim.AdamW}. */
    ADAMW;

    /** The name in configs ({@code adam}, {@code adamw}). */
    @JsonValue
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether weight decay is decoupled from the gradient (AdamW). */
    public boolean decoupledWeightDecay() {
        return this == ADAMW;
    }

    /** The names allowed in configs. */
    public static List<String> configNames() {
        return Arrays.stream(values()).map(OptimizerType::configName).toList();
    }

    /**
     * The type a config names.
     *
     * @param name {@code adam} or {@code adamw}
     * @return the type
     * @throws IllegalArgumentException naming the value and the allowed ones (a config's reader adds the key path,
     *     {@code optimizer.type})
     */
    @JsonCreator
    public static OptimizerType fromConfigName(String name) {
        for (OptimizerType t : values()) {
            if (t.configName().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown optimizer type '" + name + "'; allowed: " + configNames());
    }
}
