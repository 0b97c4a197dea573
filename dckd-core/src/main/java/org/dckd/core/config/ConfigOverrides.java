package org.dckd.core.config;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import org.dckd.config.ConfigException;

/**
 * {@code --set key.path=value} overrides applied to a parsed config tree before it is validated. Paths use dots for
 * object keys and {@code [i]} for list elements ({@code losses[2].weight=0.2}); values are parsed as YAML scalars or
 * flow collections ({@code 1e-4}, {@code true}, {@code [1000, 2000]}, {@code {type: random}}). Setting a key that does
 * not exist in an object adds it (strict validation then rejects it if the object does not know it); indexing past
 * the end of a list is an error.
 */
public final class ConfigOverrides {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigOverrides() {}

    /**
     * Applies one override in place.
     *
     * @param root the config tree
     * @param assignment {@code path=value}
     * @throws ConfigException naming the assignment when it is malformed or its path does not exist
     */
    public static void apply(ObjectNode root, String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException("--set '" + assignment + "': expected key.path=value");
        }
        String path = assignment.substring(0, eq).trim();
        JsonNode value;
        try {
            value = YAML.readTree(assignment.substring(eq + 1));
        } catch (IOException e) {
            throw new ConfigException("--set '" + assignment + "': the value is not valid YAML: " + e.getMessage(), e);
        }
        if (value == null || value.isMissingNode()) {
            value = YAML.getNodeFactory().nullNode();
        }
        String[] parts = path.split("\\.");
        JsonNode node = root;
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            String key = part;
            int index = -1;
            int bracket = part.indexOf('[');
            if (bracket >= 0) {
                if (!part.endsWith("]")) {
                    throw new ConfigException("--set '" + assignment + "': malformed index in '" + part + "'");
                }
                key = part.substring(0, bracket);
                try {
                    index = Integer.parseInt(part.substring(bracket + 1, part.length() - 1));
                } catch (NumberFormatException e) {
                    throw new ConfigException("--set '" + assignment + "': malformed index in '" + part + "'", e);
                }
            }
            boolean last = i == parts.length - 1;
            if (!(node instanceof ObjectNode obj)) {
                throw new ConfigException("--set '" + assignment + "': '" + seen + "' is not an object");
            }
            seen.append(seen.length() == 0 ? "" : ".").append(key);
            if (index < 0) {
                if (last) {
                    obj.set(key, value);
                    return;
                }
                JsonNode child = obj.get(key);
                if (child == null || child.isNull()) {
                    child = obj.putObject(key);
                }
                node = child;
            } else {
                JsonNode list = obj.get(key);
                if (!(list instanceof ArrayNode arr)) {
                    throw new ConfigException("--set '" + assignment + "': '" + seen + "' is not a list");
                }
                if (index >= arr.size()) {
                    throw new ConfigException("--set '" + assignment + "': '" + seen + "' has " + arr.size()
                            + " elements, no index " + index);
                }
                seen.append('[').append(index).append(']');
                if (last) {
                    arr.set(index, value);
                    return;
                }
                node = arr.get(index);
            }
        }
    }
}
