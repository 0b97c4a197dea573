package org.dckd.losses.encoders;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import ai.djl.ndarray.NDManager;

/**
 * Frozen encoders shared between the loss terms of a run: terms that configure equal encoders (DCKD's DCR and DMM both
 * use the VQGAN, or both the random encoder) get the same instance, so its weights are loaded once and a step's
 * passes over the student and teacher outputs are computed once ({@link FeatureEncoder#pass}).
 *
 * <p>Instances are keyed by the config (records compare by value) and the run's manager; entries of closed managers
 * are dropped.
 */
public final class SharedEncoders {

    private record Entry(NDManager manager, EncoderConfig config, FeatureEncoder encoder) {}

    private static final List<Entry> ENTRIES = new ArrayList<>();

    private SharedEncoders() {}

    /**
     * The encoder for {@code config} in {@code manager}: an existing one built from an equal config, or a new one.
     *
     * @param config the encoder config
     * @param manager the run's long-lived manager
     * @return the frozen encoder
     */
    public static synchronized FeatureEncoder get(EncoderConfig config, NDManager manager) {
        for (Iterator<Entry> it = ENTRIES.iterator(); it.hasNext();) {
            Entry e = it.next();
            if (!e.manager().isOpen()) {
                it.remove();
            } else if (e.manager() == manager && e.config().equals(config)) {
                return e.encoder();
            }
        }
        FeatureEncoder encoder = config.build(manager);
        ENTRIES.add(new Entry(manager, config, encoder));
        return encoder;
    }
}
