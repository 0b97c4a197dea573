package org.dckd.backbones;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.NamedType;

import org.dckd.backbones.imdn.ImdnBaselineConfig;
import org.dckd.backbones.imdn.ImdnConfig;
import org.dckd.backbones.rlfn.RlfnConfig;
import org.dckd.backbones.swinir.SwinIrConfig;

/**
 * The backbone registry: config types by their {@code type} name, and named presets.
 *
 * <p>Users add their own network by implementing {@link BackboneConfig} and {@link SrBackbone} and calling
 * {@link #register(String, Class)} before configs are read; a preset is added with {@link #registerPreset}.
 */
public final class Backbones {

    private static final Map<String, Class<? extends BackboneConfig>> TYPES = new LinkedHashMap<>();
    private static final Map<String, IntFunction<BackboneConfig>> PRESETS = new LinkedHashMap<>();

    static {
        register("rlfn", RlfnConfig.class);
        register("imdn", ImdnConfig.class);
        register("imdn_baseline", ImdnBaselineConfig.class);
        register("swinir", SwinIrConfig.class);

        registerPreset("rlfn", RlfnConfig::rlfn);
        registerPreset("rlfn_s", RlfnConfig::rlfnS);
        registerPreset("rlfn_ntire", RlfnConfig::rlfnNtire);
        registerPreset("imdn", ImdnConfig::official);
        registerPreset("imdn_baseline", ImdnBaselineConfig::ntire2022);
        registerPreset("swinir_lightweight", SwinIrConfig::lightweight);
        registerPreset("swinir_classical_m", SwinIrConfig::classicalM);
    }

    private Backbones() {}

    /** Registers a config class under a {@code type} name. */
    public static synchronized void register(String type, Class<? extends BackboneConfig> configClass) {
        TYPES.put(type, configClass);
    }

    /** Registers a named preset: a function from scale to config. */
    public static synchronized void registerPreset(String name, IntFunction<BackboneConfig> preset) {
        PRESETS.put(name, preset);
    }

    /** The registered {@code type} names. */
    public static synchronized List<String> types() {
        return List.copyOf(TYPES.keySet());
    }

    /** The registered preset names. */
    public static synchronized List<String> presets() {
        return List.copyOf(PRESETS.keySet());
    }

    /**
     * The config of a preset at a scale.
     *
     * @throws IllegalArgumentException naming the known presets if {@code name} is not one
     */
    public static synchronized BackboneConfig preset(String name, int scale) {
        IntFunction<BackboneConfig> p = PRESETS.get(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown backbone preset '" + name + "'; known presets: " + PRESETS.keySet());
        }
        return p.apply(scale);
    }

    /** Registers every backbone type with a Jackson mapper, so {@code type} names resolve. */
    public static synchronized ObjectMapper registerWith(ObjectMapper mapper) {
        TYPES.forEach((name, cls) -> mapper.registerSubtypes(new NamedType(cls, name)));
        return mapper;
    }
}
