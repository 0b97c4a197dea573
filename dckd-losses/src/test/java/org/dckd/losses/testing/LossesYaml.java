package org.dckd.losses.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.dckd.config.ConfigReader;
import org.dckd.losses.LossTermConfig;
import org.dckd.losses.catalog.LossTerms;

/** Reads the {@code losses:} list of a run config with the strict reader and every registered term type. */
public final class LossesYaml {

    /** The {@code losses:} section of a run config. */
    public record Losses(@JsonProperty("losses") List<LossTermConfig> losses) {
        /** Jackson creator. */
        @JsonCreator
        public Losses {}
    }

    /** A whole run config of which only {@code losses:} is read. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    private record RunLosses(@JsonProperty("losses") List<LossTermConfig> losses) {
        @JsonCreator
        RunLosses {}
    }

    private LossesYaml() {}

    /** The strict YAML mapper that knows every registered term type. */
    public static ObjectMapper mapper() {
        return LossTerms.registerWith(ConfigReader.yamlMapper());
    }

    /**
     * Parses a document with a {@code losses:} list.
     *
     * @param yaml the document
     * @param origin the name errors report
     * @return the configs
     * @throws org.dckd.config.ConfigException naming the key path
     */
    public static List<LossTermConfig> parse(String yaml, String origin) {
        ObjectMapper mapper = mapper();
        JsonNode tree;
        try {
            tree = mapper.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ConfigReader.convert(mapper, tree, Losses.class, origin).losses();
    }

    /**
     * The {@code losses:} list of a run config file, other sections ignored; {@code replacements} edit the text first
     * (pairs of literal target and replacement, e.g. a checkpoint path that must exist).
     *
     * @param file the run config
     * @param replacements target, replacement, target, replacement, ...
     * @return the configs
     */
    public static List<LossTermConfig> ofRunConfig(Path file, String... replacements) {
        try {
            String text = Files.readString(file);
            for (int i = 0; i < replacements.length; i += 2) {
                text = text.replace(replacements[i], replacements[i + 1]);
            }
            ObjectMapper mapper = mapper();
            return ConfigReader.convert(mapper, mapper.readTree(text), RunLosses.class, file.toString()).losses();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
