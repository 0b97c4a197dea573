package org.dckd.data.prepare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A meta-info file in BasicSR's format: one image per line, {@code NAME (HEIGHT,WIDTH,CHANNELS)}, e.g.
 * {@code 0001_s001.png (480,480,3)}; a line with only a name is accepted too (BasicSR reads only the first token).
 * {@link SubImageExtractor} writes one into every folder it fills, last, so its presence marks a complete folder;
 * training sources may name one to select and order their HR files.
 *
 * @param entries the images, in file order
 */
public record MetaInfo(List<Entry> entries) {

    /** The file name the sub-image extractor uses: {@value}. */
    public static final String FILE_NAME = "meta_info.txt";

    private static final Pattern LINE = Pattern.compile("(\\S+)(?:\\s+\\((\\d+),\\s*(\\d+),\\s*(\\d+)\\))?\\s*");

    /**
     * One listed image.
     *
     * @param name the file name, relative to the folder
     * @param height height in pixels, 0 if not given
     * @param width width in pixels, 0 if not given
     * @param channels number of channels, 0 if not given
     */
    public record Entry(String name, int height, int width, int channels) {

        /**
         * Checks the entry.
         *
         * @param name the file name
         * @param height height or 0
         * @param width width or 0
         * @param channels channels or 0
         */
        public Entry {
            Objects.requireNonNull(name, "name");
        }

        /** @return the line in BasicSR's format */
        public String toLine() {
            return height > 0 ? name + " (" + height + "," + width + "," + channels + ")" : name;
        }
    }

    /**
     * Copies the list.
     *
     * @param entries the images
     */
    public MetaInfo {
        entries = List.copyOf(entries);
    }

    /**
     * Reads a meta-info file. Empty lines are ignored.
     *
     * @param file the file
     * @return its entries
     * @throws NoSuchFileException if the file does not exist
     * @throws IOException if a line is malformed or names a path outside the folder (the message names the file and
     *     line), or reading fails
     */
    public static MetaInfo read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Entry> entries = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new IOException("meta-info file " + file + " line " + (i + 1) + ": expected 'NAME (H,W,C)' or"
                        + " 'NAME', got '" + line + "'");
            }
            String name = m.group(1);
            if (!isInsideFolder(name)) {
                throw new IOException("meta-info file " + file + " line " + (i + 1) + ": '" + name
                        + "' is not a file name inside the folder");
            }
            if (m.group(2) == null) {
                entries.add(new Entry(name, 0, 0, 0));
            } else {
                try {
                    entries.add(new Entry(name, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                            Integer.parseInt(m.group(4))));
                } catch (NumberFormatException e) {
                    throw new IOException("meta-info file " + file + " line " + (i + 1) + ": size out of range in '"
                            + line + "'", e);
                }
            }
        }
        return new MetaInfo(entries);
    }

    private static boolean isInsideFolder(String name) {
        if (name.startsWith("/") || name.startsWith("\\")) {
            return false;
        }
        try {
            Path p = Path.of(name).normalize();
            return !p.isAbsolute() && !p.startsWith("..") && !p.toString().isEmpty();
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    /**
     * Writes the file atomically (a temporary file renamed into place), replacing an existing one.
     *
     * @param file the target file; its folder must exist
     * @throws IOException if writing fails
     */
    public void write(Path file) throws IOException {
        StringBuilder sb = new StringBuilder(entries.size() * 32);
        for (Entry e : entries) {
            sb.append(e.toLine()).append('\n');
        }
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** @return the listed file names, in order */
    public List<String> names() {
        List<String> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            out.add(e.name());
        }
        return out;
    }
}
