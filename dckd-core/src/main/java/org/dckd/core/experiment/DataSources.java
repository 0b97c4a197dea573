package org.dckd.core.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.dckd.config.ConfigException;
import org.dckd.core.config.DataConfig;
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
 * <p>{@code type: procedural} renders built-in images ({@link DataConfig.Procedural}). Any other {@code data:} section
 * is a dckd-data {@link TrainingDataConfig} (DIV2K, Flickr2K, paired or HR-only folders; see {@code docs/data.md}); its
 * {@code scale} and {@code seed} default to the experiment's ({@link DataConfig.Sources}). Relative paths are resolved against the working directory. The position such a source
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
        if (config.data() instanceof DataConfig.Procedural p) {
            p.check(config.scale(), Runtime.getRuntime().maxMemory());
            return new ProceduralBatches(p.images(), p.size(), config.scale(), p.patch(), p.batchSize(),
                    config.seed(), position == null ? 0 : position.asLong());
        }
        return loader(trainingData(config), position);
    }

    /**
     * The config of the patch loader the {@code data:} section describes, with the experiment's scale and seed.
     *
     * @param config the experiment
     * @return the loader's config
     * @throws ConfigException if the section is procedural
     */
    public static TrainingDataConfig trainingData(ExperimentConfig config) {
        if (config.data() instanceof DataConfig.Sources s) {
            return s.training();
        }
        throw new ConfigException("at 'data': procedural data has no training-set folders");
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
        if (!(config.data() instanceof DataConfig.Sources)) {
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

    private static TrainingBatches loader(TrainingDataConfig c, JsonNode position) throws IOException {
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
}
