package org.dckd.backbones.catalog;

import java.util.List;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.NamedType;

import org.dckd.backbones.BackboneConfig;
import org.dckd.backbones.SrBackbone;
import org.dckd.backbones.imdn.ImdnBaselineConfig;
import org.dckd.backbones.imdn.ImdnConfig;
import org.dckd.backbones.rcan.RcanConfig;
import org.dckd.backbones.rlfn.RlfnConfig;
import org.dckd.backbones.lipt.LiptConfig;
import org.dckd.backbones.span.SpanConfig;
import org.dckd.backbones.swinir.SwinIrConfig;
import org.dckd.config.NamedRegistry;

/**
 * The backbone registry: config types by their {@code type} name, and named presets, starting with the built-in
 * families (RLFN, IMDN, SwinIR, SPAN, RCAN). It lives apart from the families' common abstractions
 * ({@code org.dckd.backbones}) because it knows every family: the families depend on the abstractions, this catalog on
 * the families.
 *
 * <p>Users add their own network by implementing {@link BackboneConfig} and {@link SrBackbone} and calling
 * {@link #register(String, Class)} before configs are read; a preset is added with {@link #registerPreset}. A name
 * registered twice is refused, naming both registrations. {@link org.dckd.config.ConfigReader}'s mappers know every
 * registered type (through {@link BackboneConfigTypes}).
 */
public final class Backbones {

    private static final NamedRegistry<Class<? extends BackboneConfig>> TYPES = new NamedRegistry<>("backbone type",
            Backbones.class);
    private static final NamedRegistry<IntFunction<BackboneConfig>> PRESETS = new NamedRegistry<>("backbone preset",
            Backbones.class);

    static {
        register("rlfn", RlfnConfig.class);
        register("imdn", ImdnConfig.class);
        register("imdn_baseline", ImdnBaselineConfig.class);
        register("swinir", SwinIrConfig.class);
        register("span", SpanConfig.class);
        register("lipt", LiptConfig.class);
        register("rcan", RcanConfig.class);

        registerPreset("rlfn", RlfnConfig::rlfn);
        registerPreset("rlfn_s", RlfnConfig::rlfnS);
        registerPreset("rlfn_ntire", RlfnConfig::rlfnNtire);
        registerPreset("imdn", ImdnConfig::official);
        registerPreset("imdn_baseline", ImdnBaselineConfig::ntire2022);
        registerPreset("swinir_lightweight", SwinIrConfig::lightweight);
        registerPreset("swinir_classical_m", SwinIrConfig::classicalM);
        registerPreset("span_ntire2024", SpanConfig::ntire2024);
        registerPreset("span_tiny", SpanConfig::tiny);
        registerPreset("span_ch48", SpanConfig::ch48);
        registerPreset("span_ch48_deploy", scale -> SpanConfig.ch48(scale).deployForm());
        registerPreset("span_s16", SpanConfig::student16);
        registerPreset("span_s16_deploy", scale -> SpanConfig.student16(scale).deployForm());
        registerPreset("lipt_tiny", LiptConfig::tiny);
        registerPreset("lipt_tiny_deploy", scale -> LiptConfig.tiny(scale).deployForm());
        registerPreset("lipt_small", LiptConfig::small);
        registerPreset("lipt_small_deploy", scale -> LiptConfig.small(scale).deployForm());
        registerPreset("rcan", RcanConfig::rcan);
        registerPreset("rcan_student", RcanConfig::rcanStudent);
    }

    private Backbones() {}

    /**
     * Registers a config class under a {@code type} name.
     *
     * @throws IllegalArgumentException if the name is already registered to another class (naming both registrations)
     */
    public static void register(String type, Class<? extends BackboneConfig> configClass) {
        TYPES.register(type, configClass);
    }

    /**
     * Registers a named preset: a function from scale to config.
     *
     * @throws IllegalArgumentException if the name is already registered (naming both registrations)
     */
    public static void registerPreset(String name, IntFunction<BackboneConfig> preset) {
        PRESETS.register(name, preset);
    }

    /** The registered {@code type} names. */
    public static List<String> types() {
        return TYPES.names();
    }

    /** The registered preset names. */
    public static List<String> presets() {
        return PRESETS.names();
    }

    /**
     * The config of a preset at a scale.
     *
     * @throws IllegalArgumentException naming the known presets if {@code name} is not one
     */
    public static BackboneConfig preset(String name, int scale) {
        IntFunction<BackboneConfig> p = PRESETS.find(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown backbone preset '" + name + "'; known presets: " + PRESETS.names()));
        return p.apply(scale);
    }

    /** Registers every backbone type with a Jackson mapper, so {@code type} names resolve. */
    public static ObjectMapper registerWith(ObjectMapper mapper) {
        TYPES.forEach((name, cls) -> mapper.registerSubtypes(new NamedType(cls, name)));
        return mapper;
    }
}
