package org.dckd.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.AnnotatedClass;
import com.fasterxml.jackson.databind.introspect.AnnotatedClassResolver;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;

/**
 * Reads typed configs from JSON or YAML files, strictly.
 *
 * <p>Property names are snake_case; polymorphic types are chosen by a {@code type} key resolved through the registries
 * that the modules on the class path contribute as {@link ConfigTypes} (the backbone types of {@code dckd-backbones},
 * the loss-term types of {@code dckd-losses}); unknown keys, unknown {@code type} names, {@code null} for a number,
 * and trailing content are errors. Every error is a {@link ConfigException} that names the file and the path of the offending key
 * ({@code student.feature_channels}).
 */
public final class ConfigReader {

    /** The key that names the registered type of a polymorphic config (backbones, loss terms, encoders). */
    public static final String TYPE_KEY = "type";

    private ConfigReader() {}

    /** A strict mapper for JSON. */
    public static ObjectMapper jsonMapper() {
        return configure(new ObjectMapper());
    }

    /** A strict mapper for YAML. */
    public static ObjectMapper yamlMapper() {
        return configure(new ObjectMapper(new YAMLFactory()));
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        for (ConfigTypes types : ServiceLoader.load(ConfigTypes.class, ConfigTypes.class.getClassLoader())) {
            types.registerWith(mapper);
        }
        return mapper;
    }

    /** The mapper for a file, by extension ({@code .yaml}/{@code .yml} or {@code .json}). */
    public static ObjectMapper mapperFor(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return yamlMapper();
        }
        if (name.endsWith(".json")) {
            return jsonMapper();
        }
        throw new ConfigException(file + ": unknown config format (expected .json, .yaml or .yml)");
    }

    /**
     * Reads and validates a config file.
     *
     * @param file a JSON or YAML file
     * @param type the config type
     * @return the config
     * @throws ConfigException naming the file and key path on any problem
     */
    public static <T> T read(Path file, Class<T> type) {
        ObjectMapper mapper = mapperFor(file);
        return convert(mapper, readTree(mapper, file), type, file.toString());
    }

    /**
     * Parses a config file into a tree (before any typing), for callers that edit it first (overrides).
     *
     * @param mapper the mapper for the file's format ({@link #mapperFor})
     * @param file a JSON or YAML file
     * @return the tree
     * @throws ConfigException if the file is missing or not valid JSON/YAML (with the line)
     */
    public static JsonNode readTree(ObjectMapper mapper, Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_CONFIG_BYTES) {
                throw new ConfigException(file + ": the file has " + size + " bytes; a config is a small text file (at"
                        + " most " + MAX_CONFIG_BYTES + " bytes): is it the right file?");
            }
            byte[] bytes = Files.readAllBytes(file);
            if (mapper.getFactory() instanceof YAMLFactory) {
                rejectAliases(file, bytes);
            }
            return mapper.readTree(bytes);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file not found: " + file, e);
        } catch (IOException e) {
            throw new ConfigException(file + ": " + describe(e), e);
        }
    }

    /** The largest config file read (configs are a few KB; a huge file is a mistake, and slow to parse). */
    public static final long MAX_CONFIG_BYTES = 1 << 20;

    /**
     * YAML anchors and aliases ({@code &x} / {@code *x}) are refused: the YAML reader behind the typed configs does not
     * expand them (an alias would silently become the anchor's name as a string).
     */
    private static void rejectAliases(Path file, byte[] bytes) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit((int) MAX_CONFIG_BYTES);
        try (Reader reader = new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8)) {
            for (Event event : new Yaml(options).parse(reader)) {
                String anchor = event instanceof AliasEvent alias ? "*" + alias.getAnchor()
                        : event instanceof NodeEvent node && node.getAnchor() != null ? "&" + node.getAnchor() : null;
                if (anchor != null) {
                    throw new ConfigException(file + ": line " + (event.getStartMark().getLine() + 1) + ": YAML "
                            + (anchor.startsWith("*") ? "alias " : "anchor ") + anchor + " is not supported in dckd "
                            + "configs; write the value out (or use --set to override a key)");
                }
            }
        } catch (YAMLException e) {
            return; // a syntax error: Jackson reports it with its line below
        } catch (IOException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Converts a parsed tree to a typed config, with the same error reporting as {@link #read}.
     *
     * @param mapper the mapper
     * @param tree the tree
     * @param type the config type
     * @param origin a name for messages (usually the file)
     * @return the config
     */
    public static <T> T convert(ObjectMapper mapper, JsonNode tree, Class<T> type, String origin) {
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new ConfigException(origin + ": the config is empty");
        }
        try {
            return mapper.readerFor(type).readValue(mapper.treeAsTokens(tree));
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(origin + ": " + describe(e, mapper), e);
        }
    }

    /** A one-line description of a Jackson problem, with the key path first. */
    static String describe(Throwable e) {
        return describe(e, null);
    }

    /**
     * A one-line description of a Jackson problem, with the key path first; with the mapper, an unknown {@code type}
     * also lists the registered type names.
     */
    static String describe(Throwable e, ObjectMapper mapper) {
        if (e instanceof JsonMappingException jme) {
            String path = path(jme);
            String reason;
            if (e instanceof UnrecognizedPropertyException upe) {
                reason = "unknown key '" + upe.getPropertyName() + "'; known keys: " + upe.getKnownPropertyIds();
            } else if (e instanceof InvalidTypeIdException ite) {
                path = path.isEmpty() ? TYPE_KEY : path + "." + TYPE_KEY;
                List<String> known = mapper == null || ite.getBaseType() == null ? List.of()
                        : typeNames(mapper, ite.getBaseType().getRawClass());
                reason = (ite.getTypeId() == null ? "missing '" + TYPE_KEY + "'" : "unknown type '" + ite.getTypeId()
                        + "'") + (known.isEmpty() ? "" : "; known types: " + known);
            } else {
                Throwable root = e;
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                }
                reason = root instanceof IllegalArgumentException
                        ? root.getMessage()
                        : jme.getOriginalMessage().replaceAll("\\s*\\n.*", "");
            }
            return (path.isEmpty() ? "" : "at '" + path + "': ") + reason;
        }
        if (e instanceof JsonProcessingException jpe) {
            String loc = jpe.getLocation() == null ? "" : " (line " + jpe.getLocation().getLineNr() + ")";
            return "not valid " + jpe.getOriginalMessage() + loc;
        }
        return e.getMessage();
    }

    /** The names registered for the subtypes of {@code base}, sorted. */
    static List<String> typeNames(ObjectMapper mapper, Class<?> base) {
        DeserializationConfig config = mapper.getDeserializationConfig();
        AnnotatedClass annotated = AnnotatedClassResolver.resolveWithoutSuperTypes(config, base);
        return mapper.getSubtypeResolver().collectAndResolveSubtypesByTypeId(config, annotated).stream()
                .filter(NamedType::hasName).map(NamedType::getName).distinct().sorted().toList();
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }
}
