package org.dckd.core.experiment;

import com.fasterxml.jackson.databind.JsonNode;

import org.dckd.config.ConfigException;
import org.dckd.core.config.ExperimentConfig;
import org.dckd.core.train.ProceduralBatches;
import org.dckd.core.train.TrainingBatches;

/**
 * Opens the training batches an experiment's {@code data:} section describes, at a resume position.
 *
 * <p>{@code type: procedural} renders built-in images (keys: {@code images} 32, {@code size} 256, {@code patch} 48,
 * {@code batch_size} 16).
 */
public final class DataSources {

    private DataSources() {}

    /**
     * Opens the batches.
     *
     * @param config the experiment
     * @param position a position saved in a checkpoint, or null to start at the beginning
     * @return the batches
     */
    public static TrainingBatches open(ExperimentConfig config, JsonNode position) {
        JsonNode data = config.data();
        String type = data.path("type").asText("");
        if (type.equals("procedural")) {
            checkKeys(data, "type", "images", "size", "patch", "batch_size");
            int images = data.path("images").asInt(32);
            int size = data.path("size").asInt(256);
            int patch = data.path("patch").asInt(48);
            int batch = data.path("batch_size").asInt(16);
            if (images < 1 || patch < 4 || batch < 1) {
                throw new ConfigException("at 'data': images, patch (>= 4) and batch_size must be positive");
            }
            return new ProceduralBatches(images, size, config.scale(), patch, batch, config.seed(),
                    position == null ? 0 : position.asLong());
        }
        throw new ConfigException("at 'data.type': unknown data source type '" + type + "'; known: [procedural]");
    }

    private static void checkKeys(JsonNode data, String... known) {
        java.util.List<String> k = java.util.List.of(known);
        data.fieldNames().forEachRemaining(f -> {
            if (!k.contains(f)) {
                throw new ConfigException("at 'data." + f + "': unknown key; known keys: " + k);
            }
        });
    }
}
