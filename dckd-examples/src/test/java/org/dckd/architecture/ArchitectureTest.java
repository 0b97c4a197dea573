package org.dckd.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture of the main code of {@code org.dckd}, checked on the compiled classes of every module (this module
 * sees them all):
 *
 * <ul>
 *   <li>no dependency cycle between packages, each package a slice of its own ({@code org.dckd.backbones} and
 *       {@code org.dckd.backbones.rlfn} are two slices);
 *   <li>the module arrows {@code dckd-examples -> dckd-core -> {dckd-losses, dckd-backbones, dckd-data} -> dckd-nn} as
 *       package rules: {@code org.dckd.nn}, {@code checkpoint} and {@code config} depend on no other dckd package;
 *       losses, backbones and data not on each other nor on core; core not on {@code org.dckd.cli} or
 *       {@code org.dckd.examples}.
 * </ul>
 */
class ArchitectureTest {

    /** The layers, each with the layers its packages may use (besides its own); a package belongs to one layer. */
    private static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();
    /** Layer name to the package prefixes it holds. */
    private static final Map<String, List<String>> LAYERS = new LinkedHashMap<>();

    static {
        layer("nn", List.of("org.dckd.nn", "org.dckd.checkpoint", "org.dckd.config"));
        layer("data", List.of("org.dckd.data"), "nn");
        layer("backbones", List.of("org.dckd.backbones"), "nn");
        layer("losses", List.of("org.dckd.losses"), "nn");
        layer("core", List.of("org.dckd.core"), "nn", "data", "backbones", "losses");
        layer("examples", List.of("org.dckd.cli", "org.dckd.examples"), "nn", "data", "backbones", "losses", "core");
    }

    private static void layer(String name, List<String> prefixes, String... uses) {
        LAYERS.put(name, prefixes);
        ALLOWED.put(name, Set.of(uses));
    }

    private static ClassFileDependencies dependencies;

    @BeforeAll
    static void readClasses() throws IOException {
        dependencies = ClassFileDependencies.ofMainClasses(ArchitectureTest.class.getClassLoader());
    }

    @Test
    void everyModulesMainClassesAreReadAndTheirDependenciesFound() {
        Map<String, Set<String>> packages = dependencies.packages();
        for (String p : List.of("org.dckd.nn", "org.dckd.checkpoint", "org.dckd.config", "org.dckd.data.image",
                "org.dckd.backbones", "org.dckd.backbones.rlfn", "org.dckd.backbones.catalog", "org.dckd.losses",
                "org.dckd.losses.catalog", "org.dckd.core.distill", "org.dckd.cli", "org.dckd.examples")) {
            assertTrue(packages.containsKey(p), p + " not found in " + dependencies.roots());
        }
        assertTrue(packages.keySet().stream().noneMatch(p -> p.startsWith("org.dckd.testing")
                || p.equals("org.dckd.architecture")), "test classes were read: " + packages.keySet());
        // known edges, as a check of the class-file reader: a superclass, a field type, a registration
        assertTrue(packages.get("org.dckd.backbones.rlfn").contains("org.dckd.backbones"));
        assertTrue(packages.get("org.dckd.backbones.catalog").contains("org.dckd.backbones.swinir"));
        assertTrue(packages.get("org.dckd.losses").contains("org.dckd.nn"), "TrainingRoles holds SrNetworks");
    }

    @Test
    void noPackageCycles() {
        List<List<String>> cycles = cycles(dependencies.packages());
        List<String> described = new ArrayList<>();
        for (List<String> cycle : cycles) {
            StringBuilder sb = new StringBuilder(String.join(" <-> ", cycle)).append(':');
            Set<String> members = Set.copyOf(cycle);
            for (String from : cycle) {
                for (String to : dependencies.packages().get(from)) {
                    if (members.contains(to)) {
                        sb.append("\n    ").append(dependencies.example(from, to));
                    }
                }
            }
            described.add(sb.toString());
        }
        assertTrue(cycles.isEmpty(), "package cycles:\n" + String.join("\n", described));
    }

    @Test
    void packagesFollowTheModuleArrows() {
        List<String> violations = new ArrayList<>();
        dependencies.packages().forEach((from, targets) -> {
            String fromLayer = layerOf(from);
            if (fromLayer == null) {
                violations.add(from + " belongs to no module layer of this test: add it to LAYERS");
                return;
            }
            for (String to : targets) {
                String toLayer = layerOf(to);
                if (toLayer != null && !toLayer.equals(fromLayer) && !ALLOWED.get(fromLayer).contains(toLayer)) {
                    violations.add(fromLayer + " may not use " + toLayer + ": " + dependencies.example(from, to));
                }
            }
        });
        assertEquals(List.of(), violations);
    }

    @Test
    void theCycleFinderFindsCycles() {
        Map<String, Set<String>> graph = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"),
                "e", Set.of("e"));
        assertEquals(List.of(List.of("a", "b", "c")), cycles(graph));
        assertEquals(List.of(), cycles(Map.of("a", Set.of("b"), "b", Set.of())));
    }

    @Test
    void theClassFileReaderFindsFieldMethodAndAnnotationReferences() throws IOException {
        ClassFileDependencies own = ClassFileDependencies.ofClassFiles(List.of(bytes(ArchitectureTest.class)));
        Set<String> refs = own.classes().get(ArchitectureTest.class.getName());
        assertTrue(refs.contains(ClassFileDependencies.class.getName()), refs.toString());
        assertEquals("org.dckd.architecture", ClassFileDependencies.packageOf(ArchitectureTest.class.getName()));
    }

    private static byte[] bytes(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    private static String layerOf(String pkg) {
        for (Map.Entry<String, List<String>> e : LAYERS.entrySet()) {
            for (String prefix : e.getValue()) {
                if (pkg.equals(prefix) || pkg.startsWith(prefix + ".")) {
                    return e.getKey();
                }
            }
        }
        return null;
    }

    /** The strongly connected components of more than one node (Tarjan), each sorted, sorted by first member. */
    static List<List<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new java.util.HashSet<>();
        List<List<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : new TreeSet<>(graph.keySet())) {
            if (!index.containsKey(v)) {
                connect(v, graph, index, low, stack, onStack, out, counter);
            }
        }
        out.sort((a, b) -> a.get(0).compareTo(b.get(0)));
        return out;
    }

    private static void connect(String v, Map<String, Set<String>> graph, Map<String, Integer> index,
            Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<List<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, graph, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                component.sort(null);
                out.add(component);
            }
        }
    }
}
