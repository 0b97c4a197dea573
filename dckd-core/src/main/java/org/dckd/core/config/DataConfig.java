package org.dckd.core.config;

import java.io.IOException;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.dckd.config.ConfigException;
import org.dckd.data.training.TrainingDataConfig;

/**
 * The training data of an experiment (the {@code data:} key), one of two shapes:
 * <ul>
 *   <li>{@code type: procedural}: built-in rendered images ({@link Procedural});</li>
 *   <li>no {@code type}, with {@code sources:}: a dckd-data {@link TrainingDataConfig} (DIV2K, Flickr2K, paired or
 *       HR-only folders; see {@code docs/data.md}) whose {@code scale} and {@code seed} default to the experiment's
 *       ({@link Sources}).</li>
 * </ul>
 * Read strictly: an unknown key or a value of the wrong type is an error naming its path ({@code data.images}).
 */
@JsonDeserialize(using = DataConfig.Reader.class)
public sealed interface DataConfig permits DataConfig.Procedural, DataConfig.Sources {

    /** The value of {@code data.type} for procedural images. */
    String PROCEDURAL = "procedural";

    /**
     * Procedural (built-in) images: {@code images} [32] rendered once, of {@code size} [256] px, LR patches of
     * {@code patch} [48] px, {@code batch_size} [16] samples per batch.
     *
     * @param images the number of images rendered
     * @param size their side in px
     * @param patch the LR patch size
     * @param batchSize samples per batch
     */
    @JsonDeserialize(using = JsonDeserializer.None.class) // read by its creator, not by the interface's reader
    record Procedural(int images, int size, int patch, int batchSize) implements DataConfig {

        /** Default number of images. */
        public static final int DEFAULT_IMAGES = 32;
        /** Default image size in px. */
        public static final int DEFAULT_SIZE = 256;
        /** Default LR patch size. */
        public static final int DEFAULT_PATCH = 48;
        /** Default batch size. */
        public static final int DEFAULT_BATCH_SIZE = 16;

        /**
         * Defaults for omitted keys, and validation.
         *
         * @param images default 32, at least 1
         * @param size default 256
         * @param patch default 48, at least 4
         * @param batchSize default 16, at least 1
         * @return the config
         * @throws IllegalArgumentException if a value cannot work
         */
        @JsonCreator
        public static Procedural of(@JsonProperty("images") Integer images, @JsonProperty("size") Integer size,
                @JsonProperty("patch") Integer patch, @JsonProperty("batch_size") Integer batchSize) {
            Procedural p = new Procedural(images == null ? DEFAULT_IMAGES : images, size == null ? DEFAULT_SIZE : size,
                    patch == null ? DEFAULT_PATCH : patch, batchSize == null ? DEFAULT_BATCH_SIZE : batchSize);
            if (p.images < 1 || p.patch < 4 || p.batchSize < 1) {
                throw new IllegalArgumentException("images (>= 1), patch (>= 4) and batch_size (>= 1) must be "
                        + "positive; got images " + p.images + ", patch " + p.patch + ", batch_size " + p.batchSize);
            }
            return p;
        }

        /**
         * Refuses images smaller than an HR patch, and a pool of images larger than half the heap (with the
         * estimate).
         *
         * @param scale the experiment's scale
         * @param maxHeap the JVM's maximum heap in bytes
         * @throws ConfigException naming the key
         */
        public void check(int scale, long maxHeap) {
            if (size < (long) patch * scale) {
                throw new ConfigException("at 'data.size': procedural images of " + size + " px are smaller than an "
                        + "HR patch of " + (long) patch * scale + " px (patch " + patch + " x scale " + scale + ")");
            }
            long bytes = (long) images * size * size * 3 * Float.BYTES;
            if (bytes > maxHeap / 2) {
                throw new ConfigException(String.format(Locale.ROOT, "at 'data': %d procedural images of "
                        + "%d px are rendered into memory and would need %.1f GB of heap, more than half of this JVM's"
                        + " %.1f GB (-Xmx); use fewer or smaller images", images, size, bytes / 1e9, maxHeap / 1e9));
            }
        }
    }

    /**
     * Images from folders: the patch loader's config, its {@code scale} and {@code seed} those of the experiment unless
     * given (a different {@code scale} is refused).
     *
     * @param training the patch loader's config
     */
    record Sources(TrainingDataConfig training) implements DataConfig {}

    /** Reads either shape by the presence and value of {@code type}. */
    final class Reader extends StdDeserializer<DataConfig> {

        private static final long serialVersionUID = 1L;

        /** The deserializer Jackson instantiates. */
        public Reader() {
            super(DataConfig.class);
        }

        @Override
        public DataConfig deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode node = ctxt.readTree(p);
            if (!(node instanceof ObjectNode obj)) {
                return ctxt.reportInputMismatch(DataConfig.class, "the data section must be a mapping of keys");
            }
            JsonNode type = obj.get("type");
            if (type == null) {
                return new Sources(ctxt.readTreeAsValue(obj, TrainingDataConfig.class));
            }
            if (type.isTextual() && type.asText().equals(PROCEDURAL)) {
                ObjectNode keys = obj.deepCopy();
                keys.remove("type");
                return ctxt.readTreeAsValue(keys, Procedural.class);
            }
            JsonMappingException e = JsonMappingException.from(p, "unknown data source type '" + type.asText()
                    + "'; use type: " + PROCEDURAL + ", or no type with 'sources:' (DIV2K, Flickr2K, paired or HR-only"
                    + " folders)");
            e.prependPath(obj, "type");
            throw e;
        }
    }
}
