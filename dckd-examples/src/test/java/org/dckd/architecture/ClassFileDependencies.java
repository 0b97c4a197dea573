package org.dckd.architecture;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The class-level dependencies between the main (non-test) classes of {@code org.dckd}, read from the class files on
 * the class path (no ArchUnit: the build is offline and ArchUnit is not in its repository). A class depends on every
 * class its constant pool names: as a class entry (instantiation, calls, casts, field types) or inside a descriptor,
 * a generic signature or an annotation value ({@code Lorg/dckd/...;}). Compile-time constants inlined by javac leave
 * no trace, as for every bytecode-based checker.
 */
final class ClassFileDependencies {

    private static final String ROOT = "org/dckd";
    private static final Pattern DESCRIPTOR_REFERENCE = Pattern.compile("L(org/dckd/[A-Za-z0-9_$/]+)[;<]");

    /** Class name to the dckd classes it refers to (itself excluded), for every main class found. */
    private final Map<String, Set<String>> classDependencies = new TreeMap<>();
    /** Where the classes were read from. */
    private final List<String> roots = new ArrayList<>();

    private ClassFileDependencies() {}

    /**
     * Reads every main {@code org.dckd} class on the class path of {@code loader}: classes directories other than
     * {@code test-classes}, and jars other than {@code -tests.jar}.
     */
    static ClassFileDependencies ofMainClasses(ClassLoader loader) throws IOException {
        ClassFileDependencies deps = new ClassFileDependencies();
        Enumeration<URL> urls = loader.getResources(ROOT);
        for (URL url : Collections.list(urls)) {
            String location = url.toString();
            if (location.contains("/test-classes/") || location.contains("-tests.jar!")) {
                continue;
            }
            deps.roots.add(location);
            URI uri;
            try {
                uri = url.toURI();
            } catch (URISyntaxException e) {
                throw new IOException("unreadable class-path entry " + url, e);
            }
            if ("jar".equals(uri.getScheme())) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    deps.readTree(jar.getPath(ROOT));
                }
            } else {
                deps.readTree(Path.of(uri));
            }
        }
        return deps;
    }

    /** Reads class files given as bytes, for testing the reader itself. */
    static ClassFileDependencies ofClassFiles(List<byte[]> classFiles) throws IOException {
        ClassFileDependencies deps = new ClassFileDependencies();
        for (byte[] bytes : classFiles) {
            deps.read(new java.io.ByteArrayInputStream(bytes));
        }
        return deps;
    }

    private void readTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    read(in);
                } catch (IOException | RuntimeException e) {
                    throw new IOException("cannot read class file " + file.toUri() + ": " + e, e);
                }
            }
        }
    }

    /** Class name to the dckd classes it refers to. */
    Map<String, Set<String>> classes() {
        return Collections.unmodifiableMap(classDependencies);
    }

    /** The class-path locations read. */
    List<String> roots() {
        return List.copyOf(roots);
    }

    /** Package name to the other dckd packages its classes refer to. */
    Map<String, Set<String>> packages() {
        Map<String, Set<String>> out = new TreeMap<>();
        classDependencies.forEach((cls, targets) -> {
            String from = packageOf(cls);
            Set<String> to = out.computeIfAbsent(from, k -> new TreeSet<>());
            for (String t : targets) {
                String target = packageOf(t);
                if (!target.equals(from)) {
                    to.add(target);
                }
            }
        });
        return out;
    }

    /** One example of a class in {@code from} referring to a class in {@code to}, for messages. */
    String example(String from, String to) {
        for (Map.Entry<String, Set<String>> e : classDependencies.entrySet()) {
            if (packageOf(e.getKey()).equals(from)) {
                for (String t : e.getValue()) {
                    if (packageOf(t).equals(to)) {
                        return e.getKey() + " -> " + t;
                    }
                }
            }
        }
        return from + " -> " + to;
    }

    static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    /** Parses one class file's constant pool (JVMS 4.4). */
    private void read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        List<Integer> classEntries = new ArrayList<>();
        int[] classNameIndex = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7 -> {
                    classNameIndex[i] = in.readUnsignedShort();
                    classEntries.add(i);
                }
                case 8, 16, 19, 20 -> in.readUnsignedShort();
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++; // eight-byte constants take two slots
                }
                default -> throw new IOException("unknown constant-pool tag " + tag + " at entry " + i);
            }
        }
        in.readUnsignedShort(); // access flags
        String self = utf8[classNameIndex[in.readUnsignedShort()]].replace('/', '.');
        Set<String> targets = new TreeSet<>();
        for (int i : classEntries) {
            String name = utf8[classNameIndex[i]];
            Matcher array = DESCRIPTOR_REFERENCE.matcher(name);
            if (name.startsWith("[")) {
                while (array.find()) {
                    targets.add(array.group(1).replace('/', '.'));
                }
            } else if (name.startsWith(ROOT + "/")) {
                targets.add(name.replace('/', '.'));
            }
        }
        for (String s : utf8) {
            if (s != null && s.contains("Lorg/dckd/")) {
                Matcher m = DESCRIPTOR_REFERENCE.matcher(s);
                while (m.find()) {
                    targets.add(m.group(1).replace('/', '.'));
                }
            }
        }
        targets.remove(self);
        if (classDependencies.put(self, targets) != null) {
            throw new UncheckedIOException(new IOException("class " + self + " is on the class path twice"));
        }
    }
}
