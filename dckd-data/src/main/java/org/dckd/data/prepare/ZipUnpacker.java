package org.dckd.data.prepare;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Unpacks a zip archive safely: every entry must stay inside the target folder (no absolute paths, no {@code ..}),
 * files are written under a temporary name and renamed when complete, and progress is reported per entry.
 */
public final class ZipUnpacker {

    private ZipUnpacker() {}

    /**
     * Unpacks {@code zip} into {@code target}, replacing files that exist.
     *
     * @param zip the archive
     * @param target the folder to unpack into (created if needed)
     * @param listener receives the progress in entries
     * @return the top-level names the archive created (e.g. {@code DIV2K_train_HR})
     * @throws IOException if the archive is damaged or an entry would land outside {@code target} (naming the archive
     *     and entry; nothing outside {@code target} is ever written)
     */
    public static List<String> unpack(Path zip, Path target, ProgressListener listener) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        Files.createDirectories(root);
        List<String> top = new ArrayList<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            List<ZipEntry> entries = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                Path dest = root.resolve(entry.getName()).normalize();
                if (!dest.startsWith(root) || dest.equals(root)) {
                    throw new IOException("zip archive " + zip + " has an entry outside the target folder: '"
                            + entry.getName() + "'; nothing was unpacked");
                }
                entries.add(entry);
            }
            listener.started("unpacking " + zip.getFileName(), entries.size(), "files");
            try {
                int done = 0;
                for (ZipEntry entry : entries) {
                    Path dest = root.resolve(entry.getName()).normalize();
                    String first = root.relativize(dest).getName(0).toString();
                    if (!top.contains(first)) {
                        top.add(first);
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(dest);
                    } else {
                        Files.createDirectories(dest.getParent());
                        Path tmp = dest.resolveSibling("." + dest.getFileName() + ".unzip");
                        try (InputStream in = z.getInputStream(entry)) {
                            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                        } catch (IOException ex) {
                            Files.deleteIfExists(tmp);
                            throw new IOException("zip archive " + zip + " is damaged at entry '" + entry.getName()
                                    + "': " + ex.getMessage(), ex);
                        }
                        Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING);
                    }
                    listener.advanced(++done);
                }
            } finally {
                listener.finished();
            }
        } catch (java.util.zip.ZipException e) {
            throw new IOException("zip archive " + zip + " is damaged: " + e.getMessage(), e);
        }
        return top;
    }
}
