package org.dckd.core.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.dckd.config.ConfigException;
import org.dckd.config.ConfigReader;
import org.dckd.core.config.ExperimentConfig;
import org.dckd.core.train.ProceduralBatches;
import org.dckd.core.train.TrainingBatches;
import org.dckd.data.loader.LoaderPosition;
import org.dckd.data.loader.PatchBatch;
import org.dckd.data.loader.PatchLoader;
import org.dckd.data.prepare.ProgressListener;
import org.dckd.data.training.SourceFolders;
import org.dckd.data.training.TrainingDataConfig;
import org.dckd.data.training.TrainingSet;

/**
 * Opens the training batches an experiment's {@code data:} section describes, at a resume position.
 *
 * <p>{@code type: procedural} renders built-in images (keys: {@code images} 32, {@code size} 256, {@code patch} 48,
 * {@code batch_size} 16). Any other {@code data:} section is a dckd-data {@link TrainingDataConfig} (DIV2K, Flickr2K,
 * paired or HR-only folders; see {@code docs/data.md}); its {@code scale} and {@code seed} default to the experiment's
 * and must agree with them. Relative paths are resolved against the working directory. The position such a source
 * reports carries the training set's {@link TrainingSet#fingerprint() fingerprint}; resuming on a set with another
 * fingerprint is refused, since the saved position would not continue the same sample sequence.
 */
public final class DataSources {

    /** The key of the training set's fingerprint in a saved loader position. */
    static final String FINGERPRINT = "fingerprint";

    private DataSources() {}

    /**
     * Opens the batches.
     *
     * @param config the experiment
     * @param position a position saved in a checkpoint, or null to start at the beginning
     * @return the batches
     */
    public static TrainingBatches open(ExperimentConfig config, JsonNode position) throws IOException {
        JsonNode data = config.data();
        String type = data.path("type").asText("");
        if (!data.has("type")) {
            return loader(config, position);
        }
        if (type.equals("procedural")) {
            Procedural p = ConfigReader.convert(ConfigReader.jsonMapper(), data, Procedural.class, "data");
            p.check(config.scale(), Runtime.getRuntime().maxMemory());
            return new ProceduralBatches(p.images(), p.size(), config.scale(), p.patch(), p.batchSize(),
                    config.seed(), position == null ? 0 : position.asLong());
        }
        throw new ConfigException("at 'data.type': unknown data source type '" + type + "'; use type: procedural,"
                + " or no type with 'sources:' (DIV2K, Flickr2K, paired or HR-only folders)");
    }

    /** The config of the patch loader the {@code data:} section describes, with the experiment's scale and seed. */
    public static TrainingDataConfig trainingData(ExperimentConfig config) {
        ObjectNode tree = ((ObjectNode) config.data()).deepCopy();
        if (!tree.has("scale")) {
            tree.put("scale", config.scale());
        }
        if (!tree.has("seed")) {
            tree.put("seed", config.seed());
        }
        TrainingDataConfig c = ConfigReader.convert(ConfigReader.jsonMapper(), tree, TrainingDataConfig.class, "data");
        if (c.scale() != config.scale()) {
            throw new ConfigException("at 'data.scale': " + c.scale() + " differs from the experiment's scale "
                    + config.scale());
        }
        return c;
    }

    /**
     * The folders and files the {@code data:} section reads or fills (HR and LR folders, LR caches, meta-info files),
     * keyed by where they come from ({@code data.sources[0].hr}), for the run folder's output-location check. Empty
     * for procedural data.
     *
     * @param config the experiment
     * @return where the training data lives
     */
    public static Map<String, Path> inputFolders(ExperimentConfig config) {
        Map<String, Path> out = new LinkedHashMap<>();
        if (config.data().has("type")) {
            return out;
        }
        TrainingDataConfig c = trainingData(config);
        Path base = Path.of("").toAbsolutePath();
        for (int i = 0; i < c.sources().size(); i++) {
            SourceFolders f = c.sources().get(i).folders(base, c.scale());
            String key = "data.sources[" + i + "]";
            out.put(key + " (HR)", f.hrFolder());
            out.put(key + " (LR)", f.lrFolder());
            if (f.metaInfo() != null) {
                out.put(key + ".meta_info", f.metaInfo());
            }
        }
        return out;
    }

    private static TrainingBatches loader(ExperimentConfig config, JsonNode position) throws IOException {
        TrainingDataConfig c = trainingData(config);
        TrainingSet set = TrainingSet.open(c, Path.of("").toAbsolutePath(), ProgressListener.NONE);
        LoaderPosition start = position == null || position.isNull() ? LoaderPosition.START
                : new LoaderPosition(position.get("epoch").asLong(), position.get("index").asLong());
        String saved = position == null ? null : position.path(FINGERPRINT).asText(null);
        if (saved != null && !saved.equals(set.fingerprint())) {
            throw new ConfigException("at 'data': the training set changed since the checkpoint was written "
                    + "(fingerprint " + saved + ", now " + set.fingerprint()
                    + ": images added, removed, renamed or resized under "
                    + "data.sources, or another scale); the saved data position (" + start + ") would not continue the "
                    + "same sample sequence. Restore the training set, or start a new run");
        }
        PatchLoader loader = PatchLoader.builder().setTrainingSet(set).setConfig(c).optStart(start).optRange(1f).build();
        return new TrainingBatches() {
            @Override
            public Batch next() {
                PatchBatch b = loader.next();
                int p = b.patchSize();
                int hp = b.hrPatchSize();
                return new Batch(b.lr(), b.hr(), b.size(), p, p, hp, hp);
            }

            @Override
            public JsonNode position() {
                LoaderPosition pos = loader.position();
                ObjectNode n = JsonNodeFactory.instance.objectNode();
                n.put("epoch", pos.epoch());
                n.put("index", pos.index());
                n.put(FINGERPRINT, set.fingerprint());
                return n;
            }

            @Override
            public void close() {
                loader.close();
            }
        };
    }

    /**
     * The {@code data:} section of procedural (built-in) images: {@code images} [32] rendered once, of {@code size} [256]
     * px, LR patches of {@code patch} [48] px, {@code batch_size} [16] samples per batch. Typed and strict: a value of
     * the wrong type or an unknown key is an error naming it.
     */
    record Procedural(@JsonProperty("type") String type, @JsonProperty("images") Integer images,
            @JsonProperty("size") Integer size, @JsonProperty("patch") Integer patch,
            @JsonProperty("batch_size") Integer batchSize) {

        Procedural {
            images = images == null ? 32 : images;
            size = size == null ? 256 : size;
            patch = patch == null ? 48 : patch;
            batchSize = batchSize == null ? 16 : batchSize;
        }

        /** Refuses values that cannot work, and a pool of images larger than half the heap (with the estimate). */
        void check(int scale, long maxHeap) {
            if (images < 1 || patch < 4 || batchSize < 1) {
                throw new ConfigException("at 'data': images (>= 1), patch (>= 4) and batch_size (>= 1) must be "
                        + "positive; got images " + images + ", patch " + patch + ", batch_size " + batchSize);
            }
            if (size < (long) patch * scale) {
                throw new ConfigException("at 'data.size': procedural images of " + size + " px are smaller than an "
                        + "HR patch of " + (long) patch * scale + " px (patch " + patch + " x scale " + scale + ")");
            }
            long bytes = (long) images * size * size * 3 * Float.BYTES;
            if (bytes > maxHeap / 2) {
                throw new ConfigException(String.format(java.util.Locale.ROOT, "at 'data': %d procedural images of "
                        + "%d px are rendered into memory and would need %.1f GB of heap, more than half of this JVM's"
                        + " %.1f GB (-Xmx); use fewer or smaller images", images, size, bytes / 1e9, maxHeap / 1e9));
            }
        }
    }
}
