package org.dckd.data.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Reads image files into {@link Image}s and writes 8-bit RGB PNG files, with {@code javax.imageio} and no native code.
 *
 * <h2>Reading</h2>
 * Any format {@code javax.imageio} decodes is accepted: PNG, JPEG, BMP, GIF (first frame), TIFF, WBMP. The stored
 * sample values are read from the decoded raster, never through {@code BufferedImage.getRGB} or another colour
 * conversion, so an 8-bit file's values come through exactly:
 * <ul>
 *   <li>grayscale (1, 2, 4, 8 or 16 bit) is replicated to R = G = B;</li>
 *   <li>palette images are expanded through their palette to RGB;</li>
 *   <li>an alpha channel is dropped: the stored colour values are used as they are, without compositing onto a
 *       background;</li>
 *   <li>samples of more than 8 bits (16-bit PNG) or fewer (e.g. RGB565 BMP) are scaled to 0..255 as
 *       {@code v * 255 / (2^bits - 1)} and kept as the nearest {@code float}, <em>not</em> rounded, so no
 *       precision is lost ({@link Image#quantized()} gives the 8-bit view);</li>
 *   <li>embedded colour profiles and gamma chunks are ignored (raw samples are used, as PIL and OpenCV do);</li>
 *   <li>JPEG decoding is done by the JDK's decoder, which may differ from libjpeg-turbo by one level in places.</li>
 * </ul>
 * Reading is strict: a decoder warning is an error (e.g. a truncated JPEG, which decoders otherwise fill with gray,
 * including one that lacks only its end-of-image marker). Every failure is an {@link ImageReadException} naming the file and the reason.
 *
 * <h2>Writing</h2>
 * {@link #writePng} writes 8-bit RGB PNG from the values clamped to [0, 255] and rounded half up (the
 * {@link Image#quantized()} convention). The file is written next to the target under a temporary name, synced, and
 * renamed into place, so a reader never sees a half-written file; {@link IfExists} says whether an existing file may
 * be replaced.
 */
public final class ImageFiles {

    /** File name extensions (lower case, without the dot) that {@link #isImageFile(Path)} accepts. */
    public static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif", "tif", "tiff");

    /** What {@link #writePng} does when the target file exists already. */
    public enum IfExists {
        /** Replace the existing file (atomically). */
        REPLACE,
        /** Leave the existing file alone and throw {@link FileAlreadyExistsException}. */
        FAIL
    }

    private ImageFiles() {}

    /**
     * A file name without its extension ({@code bird.png -> bird}); a name without one (or a dot file) is returned as
     * it is.
     *
     * @param fileName a file name
     * @return the stem
     */
    public static String stem(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

    /**
     * Whether a path's file name has an image extension ({@link #IMAGE_EXTENSIONS}, any case). Hidden files (names
     * starting with a dot, such as the {@code ._0001.png} metadata files macOS leaves in copied folders and zips) are
     * not image files.
     *
     * @param file the path to test (not accessed)
     * @return whether it names an image file
     */
    public static boolean isImageFile(Path file) {
        Path name = file.getFileName();
        if (name == null) {
            return false;
        }
        String s = name.toString();
        int dot = s.lastIndexOf('.');
        return !s.startsWith(".") && dot > 0
                && IMAGE_EXTENSIONS.contains(s.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Lists the image files directly in a folder ({@link #isImageFile}; hidden files and sub-folders are ignored),
     * sorted by file name in Unicode code-point order ({@code img10} before {@code img2}).
     *
     * @param folder the folder
     * @return the image files, sorted
     * @throws NoSuchFileException if {@code folder} does not exist or is not a folder
     * @throws IOException if listing fails
     */
    public static List<Path> listImages(Path folder) throws IOException {
        Objects.requireNonNull(folder, "folder");
        if (!Files.isDirectory(folder)) {
            throw new NoSuchFileException(folder.toString(), null, Files.exists(folder) ? "not a folder"
                    : "folder does not exist");
        }
        List<Path> out = new ArrayList<>();
        try (java.util.stream.Stream<Path> s = Files.list(folder)) {
            s.filter(ImageFiles::isImageFile).filter(Files::isRegularFile).forEach(out::add);
        }
        out.sort(java.util.Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    /**
     * Reads an image file as RGB on the 0..255 scale (see the class documentation for the conversions).
     *
     * @param file the image file
     * @return the image
     * @throws ImageReadException if the file is missing, not a readable image format, truncated or corrupt, or has a
     *     layout that cannot be converted exactly; the message names the file and the reason
     */
    public static Image read(Path file) throws ImageReadException {
        Objects.requireNonNull(file, "file");
        if (!Files.exists(file)) {
            throw new ImageReadException(file, ImageReadException.Reason.NOT_FOUND, "file does not exist", null);
        }
        if (!Files.isRegularFile(file)) {
            throw new ImageReadException(file, ImageReadException.Reason.NOT_FOUND, "not a regular file", null);
        }
        BufferedImage decoded;
        try {
            if (PngChunks.isPng(file)) {
                PngChunks.verify(file); // the PNG decoder does not check CRCs: a damaged IDAT would decode silently
            }
        } catch (ImageReadException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageReadException(file, ImageReadException.Reason.IO_ERROR, String.valueOf(e.getMessage()), e);
        }
        try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
            decoded = decode(file, in);
        } catch (ImageReadException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageReadException(file, ImageReadException.Reason.IO_ERROR, String.valueOf(e.getMessage()), e);
        }
        return toImage(file, decoded);
    }

    /**
     * Reads only an image file's header: size, sample depth and colour layout, without decoding pixels (a fraction of
     * a millisecond for PNG). A file whose header is readable may still fail {@link #read} later if its pixel data is
     * truncated or corrupt.
     *
     * @param file the image file
     * @return what the header says
     * @throws ImageReadException if the file is missing, not a readable image format, or its header is damaged; the
     *     message names the file and the reason
     */
    public static ImageFileInfo readInfo(Path file) throws ImageReadException {
        Objects.requireNonNull(file, "file");
        if (!Files.exists(file)) {
            throw new ImageReadException(file, ImageReadException.Reason.NOT_FOUND, "file does not exist", null);
        }
        if (!Files.isRegularFile(file)) {
            throw new ImageReadException(file, ImageReadException.Reason.NOT_FOUND, "not a regular file", null);
        }
        try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageReadException(file, ImageReadException.Reason.UNSUPPORTED_FORMAT,
                        "not an image format javax.imageio can read (PNG, JPEG, BMP, GIF, TIFF, WBMP); first bytes "
                                + firstBytes(in), null);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                ImageTypeSpecifier type = reader.getRawImageType(0);
                if (type == null) {
                    Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
                    type = types.hasNext() ? types.next() : null;
                }
                String format = format(reader);
                if (type == null) {
                    return new ImageFileInfo(format, width, height, 8, false, false, false);
                }
                ColorModel cm = type.getColorModel();
                boolean palette = cm instanceof IndexColorModel;
                boolean gray = !palette && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
                int bits = palette ? 8 : cm.getComponentSize(0);
                return new ImageFileInfo(format, width, height, bits, gray, cm.hasAlpha(), palette);
            } catch (IOException | RuntimeException e) {
                throw new ImageReadException(file, ImageReadException.Reason.CORRUPT, format(reader)
                        + " header is damaged or truncated (" + describe(e) + ")", e);
            } finally {
                reader.dispose();
            }
        } catch (ImageReadException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageReadException(file, ImageReadException.Reason.IO_ERROR, String.valueOf(e.getMessage()), e);
        }
    }

    private static BufferedImage decode(Path file, ImageInputStream in) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new ImageReadException(file, ImageReadException.Reason.UNSUPPORTED_FORMAT,
                    "not an image format javax.imageio can read (PNG, JPEG, BMP, GIF, TIFF, WBMP); first bytes "
                            + firstBytes(in), null);
        }
        ImageReader reader = readers.next();
        List<String> warnings = new ArrayList<>();
        IIOReadWarningListener listener = (source, warning) -> warnings.add(warning);
        try {
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener(listener);
            BufferedImage image = reader.read(0);
            if (!warnings.isEmpty()) {
                throw new ImageReadException(file, ImageReadException.Reason.CORRUPT, "the "
                        + format(reader) + " decoder reported: " + String.join("; ", warnings), null);
            }
            return image;
        } catch (ImageReadException e) {
            throw e;
        } catch (IIOException e) {
            String message = describe(e);
            ImageReadException.Reason reason = message.contains("Unsupported Image Type")
                    ? ImageReadException.Reason.UNSUPPORTED_LAYOUT : ImageReadException.Reason.CORRUPT;
            throw new ImageReadException(file, reason, format(reader) + " data is damaged or truncated ("
                    + message + ")", e);
        } catch (IOException | RuntimeException e) {
            // decoders report corrupt data as EOFException, ZipException or even runtime exceptions
            throw new ImageReadException(file, ImageReadException.Reason.CORRUPT, format(reader)
                    + " data is damaged or truncated (" + describe(e) + ")", e);
        } finally {
            reader.dispose();
        }
    }

    private static String format(ImageReader reader) {
        try {
            return reader.getFormatName().toUpperCase(Locale.ROOT);
        } catch (IOException e) {
            return "image";
        }
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (sb.length() > 0) {
                sb.append(": ");
            }
            sb.append(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
            if (t.getCause() == t) {
                break;
            }
        }
        return sb.toString();
    }

    private static String firstBytes(ImageInputStream in) {
        try {
            in.seek(0);
            byte[] b = new byte[8];
            int n = in.read(b);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < Math.max(n, 0); i++) {
                sb.append(String.format(Locale.ROOT, "%02x", b[i] & 0xff));
            }
            return n <= 0 ? "(empty file)" : sb.toString();
        } catch (IOException e) {
            return "(unreadable)";
        }
    }

    private static Image toImage(Path file, BufferedImage image) throws ImageReadException {
        ColorModel cm = image.getColorModel();
        if (cm.isAlphaPremultiplied()) {
            image.coerceData(false);
            cm = image.getColorModel();
        }
        Raster raster = image.getRaster();
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        float[] out = new float[Image.CHANNELS * plane];
        if (cm instanceof IndexColorModel) {
            expandPalette(file, (IndexColorModel) cm, raster, out);
            return Image.wrap(w, h, out);
        }
        int type = cm.getColorSpace().getType();
        int colours = cm.getNumColorComponents();
        int transfer = raster.getTransferType();
        if (transfer != DataBuffer.TYPE_BYTE && transfer != DataBuffer.TYPE_USHORT && transfer != DataBuffer.TYPE_INT) {
            throw new ImageReadException(file, ImageReadException.Reason.UNSUPPORTED_LAYOUT,
                    "samples of data type " + transfer + " (only integer samples are supported)", null);
        }
        if (type == ColorSpace.TYPE_GRAY && colours == 1) {
            readBand(raster, 0, cm.getComponentSize(0), out, 0);
            System.arraycopy(out, 0, out, plane, plane);
            System.arraycopy(out, 0, out, 2 * plane, plane);
        } else if (type == ColorSpace.TYPE_RGB && colours == 3) {
            for (int b = 0; b < 3; b++) {
                readBand(raster, b, cm.getComponentSize(b), out, b * plane);
            }
        } else {
            throw new ImageReadException(file, ImageReadException.Reason.UNSUPPORTED_LAYOUT, colours
                    + " colour components in colour space type " + type + " (only gray, RGB and palette images)",
                    null);
        }
        return Image.wrap(w, h, out);
    }

    /** Copies one band of the raster into {@code out[offset ...]}, scaled from {@code bits} to 0..255. */
    private static void readBand(Raster raster, int band, int bits, float[] out, int offset) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        if (bits == 8 && raster.getDataBuffer() instanceof DataBufferByte
                && raster.getSampleModel() instanceof ComponentSampleModel) {
            ComponentSampleModel sm = (ComponentSampleModel) raster.getSampleModel();
            DataBufferByte db = (DataBufferByte) raster.getDataBuffer();
            int bank = sm.getBankIndices()[band];
            byte[] bytes = db.getData(bank);
            int pixelStride = sm.getPixelStride();
            int scanline = sm.getScanlineStride();
            int base = db.getOffsets()[bank] + sm.getBandOffsets()[band]
                    + (raster.getMinY() - raster.getSampleModelTranslateY()) * scanline
                    + (raster.getMinX() - raster.getSampleModelTranslateX()) * pixelStride;
            int o = offset;
            for (int y = 0; y < h; y++) {
                int p = base + y * scanline;
                for (int x = 0; x < w; x++, p += pixelStride) {
                    out[o++] = bytes[p] & 0xff;
                }
            }
            return;
        }
        int[] row = new int[w];
        double scale = bits == 8 ? 1.0 : 255.0 / ((1L << bits) - 1);
        int o = offset;
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, band, row);
            for (int x = 0; x < w; x++) {
                out[o++] = bits == 8 ? row[x] : (float) (row[x] * scale);
            }
        }
    }

    private static void expandPalette(Path file, IndexColorModel cm, Raster raster, float[] out)
            throws ImageReadException {
        int n = cm.getMapSize();
        byte[] r = new byte[n];
        byte[] g = new byte[n];
        byte[] b = new byte[n];
        cm.getReds(r);
        cm.getGreens(g);
        cm.getBlues(b);
        int w = raster.getWidth();
        int h = raster.getHeight();
        int plane = w * h;
        int[] row = new int[w];
        int o = 0;
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
            for (int x = 0; x < w; x++, o++) {
                int p = row[x];
                if (p < 0 || p >= n) {
                    throw new ImageReadException(file, ImageReadException.Reason.CORRUPT, "palette index " + p
                            + " at row " + y + ", column " + x + " is outside the palette of " + n + " colours",
                            null);
                }
                out[o] = r[p] & 0xff;
                out[plane + o] = g[p] & 0xff;
                out[2 * plane + o] = b[p] & 0xff;
            }
        }
    }

    /**
     * Writes an image as an 8-bit RGB PNG file. Values are clamped to [0, 255] and rounded half up
     * ({@link Image#quantized()}). The data goes to a temporary file in the target's folder, is synced to disk and
     * then renamed to {@code file}, so the target is either absent, the old file, or the complete new file.
     *
     * @param image the image to write
     * @param file the target path; its parent folder must exist
     * @param ifExists whether an existing {@code file} is replaced or the call fails
     * @throws FileAlreadyExistsException if {@code file} exists and {@code ifExists} is {@link IfExists#FAIL} (the
     *     existing file is left unchanged)
     * @throws NoSuchFileException if the parent folder does not exist
     * @throws IOException if writing fails otherwise
     * @throws IllegalArgumentException if the image contains NaN
     */
    public static void writePng(Image image, Path file, IfExists ifExists) throws IOException {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(ifExists, "ifExists");
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new NoSuchFileException(String.valueOf(dir), null, "folder for " + file + " does not exist");
        }
        if (ifExists == IfExists.FAIL && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(file.toString(), null, "not overwriting an existing file");
        }
        BufferedImage bgr = toBufferedImage(image);
        Path tmp = createTemporary(dir, target.getFileName().toString());
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                OutputStream os = Channels.newOutputStream(channel);
                ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
                try (ImageOutputStream ios = new MemoryCacheImageOutputStream(os)) {
                    writer.setOutput(ios);
                    writer.write(bgr);
                } finally {
                    writer.dispose();
                }
                os.flush();
                channel.force(true);
            } catch (FileSystemException e) {
                throw e;
            } catch (IOException e) {
                // e.g. "No space left on device", which names no file by itself
                throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
            }
            if (ifExists == IfExists.REPLACE) {
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
                moved = true;
            } else {
                moved = moveWithoutReplacing(tmp, target, file);
            }
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Links the temporary file to the target name, failing if that exists; returns whether tmp was consumed. */
    private static boolean moveWithoutReplacing(Path tmp, Path target, Path file) throws IOException {
        try {
            Files.createLink(target, tmp); // atomic and never replaces
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(file.toString(), null, "not overwriting an existing file");
        } catch (UnsupportedOperationException | FileSystemException e) {
            // no hard links on this file system: a plain move, which refuses to replace (small race window)
            try {
                Files.move(tmp, target);
            } catch (FileAlreadyExistsException e2) {
                throw new FileAlreadyExistsException(file.toString(), null, "not overwriting an existing file");
            }
            return true;
        }
        Files.delete(tmp);
        return true;
    }

    private static Path createTemporary(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                    + ".tmp");
            try {
                // CREATE_NEW with default permissions (the umask), unlike Files.createTempFile's owner-only mode
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    private static BufferedImage toBufferedImage(Image image) {
        Image q = image.quantized();
        int w = q.width();
        int h = q.height();
        int plane = w * h;
        float[] v = q.data();
        BufferedImage bgr = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bytes = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
        for (int i = 0, p = 0; i < plane; i++, p += 3) {
            bytes[p] = (byte) (int) v[2 * plane + i];
            bytes[p + 1] = (byte) (int) v[plane + i];
            bytes[p + 2] = (byte) (int) v[i];
        }
        return bgr;
    }
}
