package org.dckd.checkpoint;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.CopyOption;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import ai.djl.nn.Block;

import org.dckd.checkpoint.CheckpointException.Reason;
import org.dckd.config.ByteSize;
import org.dckd.nn.DjlRuntime;

/**
 * Reads and writes checkpoints: PyTorch {@code .pth}/{@code .ckpt} (zip and legacy formats), {@code .safetensors} and
 * {@code .npz}, all in plain Java (no native engine is needed to read or write).
 *
 * <p><b>Format</b> is recognised from the content, never from the file name (see {@link #detectFormat}).
 *
 * <p><b>Safety.</b> PyTorch files are pickles. They are read by a weights-only unpickler that knows only the globals a
 * state dict needs ({@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor*},
 * {@code torch._utils._rebuild_parameter*}, the {@code torch.*Storage} types, {@code torch.Size} and the torch dtypes);
 * any other global (for example {@code os.system}) makes {@link #read} throw a {@link DisallowedGlobalException}
 * before anything is constructed. Nothing from a file is ever executed.
 *
 * <p><b>Wrappers.</b> A bare state dict is used as is. A dict that wraps it is unwrapped by the first entry present
 * among {@code params_ema}, {@code params}, {@code state_dict}, {@code model}, {@code model_state_dict} (BasicSR,
 * KAIR, Lightning, LIPT's {@code train.py} and most training scripts); the wrapper's other entries (epoch, optimizer states, ...) are ignored and never materialised.
 * {@link #read(Path, String)} chooses an entry explicitly.
 *
 * <p><b>Prefix.</b> When every key starts with {@code module.} (a model saved from inside {@code nn.DataParallel} or
 * {@code DistributedDataParallel}) the prefix is removed, repeatedly if it was wrapped twice. Other prefixes (for
 * example Lightning's attribute name {@code model.}) are kept; remove them with {@link StateDict#stripPrefix}.
 *
 * <p>Tensors are returned C-contiguous and little-endian, whatever strides, storage sharing or byte order the file
 * used.
 *
 * <p><b>Limits.</b> A file cannot make the reader allocate more than it can honestly hold, nor more than
 * {@link #maxBytes()} (4 GiB unless configured); pickled integers are limited to 100 digits, containers that refer to
 * themselves are refused where Python would refuse them, and sizes are computed with overflow checks. Every content
 * problem is a {@link CheckpointException} that names the file and the entry or key.
 */
public final class Checkpoints {

    static {
        DjlRuntime.ensureOffline();
    }

    /** The prefix {@code nn.DataParallel} adds to every key. */
    public static final String DATA_PARALLEL_PREFIX = "module.";

    /** The system property that sets the default memory limit of a read (see {@link #maxBytes()}). */
    public static final String MAX_BYTES_PROPERTY = "dckd.checkpoint.maxBytes";

    /** The memory limit of a read when {@value #MAX_BYTES_PROPERTY} is not set: 4 GiB. */
    public static final long DEFAULT_MAX_BYTES = 4L << 30;

    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    private static final byte[] EMPTY_ZIP_MAGIC = {'P', 'K', 5, 6};
    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final String PICKLE_STARTS = "(c}])NILSVXKJMFGUT";

    private Checkpoints() {}

    /**
     * Reads a checkpoint's state dict, detecting the format from the content and unwrapping the usual wrapper dicts.
     *
     * @param file the checkpoint
     * @return the tensors by key, in file order, with a {@code module.} prefix removed
     * @throws IOException if the file cannot be opened or read
     * @throws CheckpointException if the content is truncated, corrupt, unsafe or not a checkpoint (the message names
     *     the file)
     */
    public static StateDict read(Path file) throws IOException {
        return read(file, null);
    }

    /**
     * Reads the state dict stored under {@code entry} of a wrapper dict (for example {@code "params"} when a file
     * holds both {@code params} and {@code params_ema}). A {@code /}-separated path selects nested dicts
     * ({@code "model/encoder"}). The memory the read may allocate is bounded by {@link #maxBytes()}.
     *
     * @param file the checkpoint
     * @param entry the entry to read, or {@code null} for the automatic choice described in the class comment
     * @return the tensors by key, with a {@code module.} prefix removed
     * @throws IOException if the file cannot be opened or read
     * @throws CheckpointException if the entry does not exist (the message lists the available entries), or the
     *     content is unusable
     */
    public static StateDict read(Path file, String entry) throws IOException {
        return read(file, entry, maxBytes());
    }

    /**
     * Reads a state dict like {@link #read(Path, String)}, allocating at most {@code maxBytes} for the file's content
     * (zip entries, storages, tensor data and the copies of strided views, counted together). Whatever the limit,
     * a file cannot make the reader allocate more than it can honestly hold: zip entries may not inflate beyond
     * their declared size, views may not expand their storage by more than a few times, and safetensors data ranges
     * may not overlap (see {@code docs/checkpoints.md}, section "Limits").
     *
     * @param file the checkpoint
     * @param entry the entry to read, or {@code null} for the automatic choice described in the class comment
     * @param maxBytes the most bytes the read may allocate for the content (positive)
     * @return the tensors by key, with a {@code module.} prefix removed
     * @throws IOException if the file cannot be opened or read
     * @throws CheckpointException if the content is truncated, corrupt, unsafe, not a checkpoint, or needs more than
     *     {@code maxBytes} ({@link CheckpointException.Reason#TOO_LARGE}); the message names the file and the entry
     *     or key concerned
     * @throws IllegalArgumentException if {@code maxBytes} is not positive
     */
    public static StateDict read(Path file, String entry, long maxBytes) throws IOException {
        Objects.requireNonNull(file, "file");
        ReadBudget budget = new ReadBudget(file, maxBytes);
        try {
            return readWithin(file, entry, budget);
        } catch (StackOverflowError e) {
            throw new CheckpointException(Reason.CORRUPT, file, "the content is nested too deeply or refers to "
                    + "itself (the reader's stack overflowed); no state dict is structured like this", e);
        } catch (CheckpointException e) {
            throw e;
        } catch (RuntimeException e) {
            // a safety net: every content problem should already have been reported with its entry or key
            throw new CheckpointException(Reason.CORRUPT, file, "unexpected failure while reading the content ("
                    + e + "); the file is probably corrupt", e);
        }
    }

    /**
     * The default limit of {@link #read(Path, String, long)}: the system property {@value #MAX_BYTES_PROPERTY} if it
     * is set (a number of bytes, optionally with a binary suffix {@code k}, {@code m}, {@code g} or {@code t}, e.g.
     * {@code 512m} or {@code 8g}), else {@link #DEFAULT_MAX_BYTES} (4 GiB). The property is read at every call.
     *
     * @return the limit in bytes
     * @throws IllegalArgumentException if the property is set but is not a positive size
     */
    public static long maxBytes() {
        String value = System.getProperty(MAX_BYTES_PROPERTY);
        if (value == null || value.isBlank()) {
            return DEFAULT_MAX_BYTES;
        }
        return ByteSize.parse(value, "system property " + MAX_BYTES_PROPERTY);
    }

    private static StateDict readWithin(Path file, String entry, ReadBudget budget) throws IOException {
        Map<String, Tensor> tensors;
        CheckpointFormat format = detectFormat(file);
        switch (format) {
            case TORCH_ZIP -> {
                try (ZipFile zip = openZip(file)) {
                    tensors = TorchCheckpointReader.readZip(file, zip,
                            root -> StateDictSelector.select(file, root, entry), budget);
                } catch (IllegalArgumentException e) {
                    throw badZipName(file, e);
                }
            }
            case NPZ -> {
                try (ZipFile zip = openZip(file)) {
                    tensors = flat(file, NumpyFormat.readNpz(file, zip, budget), entry, format);
                } catch (IllegalArgumentException e) {
                    throw badZipName(file, e);
                }
            }
            case SAFETENSORS -> tensors = flat(file, SafetensorsFormat.read(file, budget), entry, format);
            case TORCH_LEGACY -> tensors = TorchCheckpointReader.readLegacy(file,
                    root -> StateDictSelector.select(file, root, entry), budget);
            default -> throw new IllegalStateException(format.toString());
        }
        return new StateDict(stripDataParallelPrefix(tensors), file);
    }

    /**
     * Recognises a checkpoint's format from its first bytes (and, for zip archives, from their entries).
     *
     * @param file the checkpoint
     * @return the format
     * @throws IOException if the file cannot be read
     * @throws CheckpointException if the content is not a supported checkpoint: empty, unknown, a damaged zip, a zip of
     *     other files, a single {@code .npy} array, or the pre-1.0 tar format of PyTorch
     */
    public static CheckpointFormat detectFormat(Path file) throws IOException {
        long size = Files.size(file);
        byte[] head = new byte[512];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n == 0) {
            throw new CheckpointException(Reason.NOT_A_CHECKPOINT, file, "not a checkpoint: the file is empty");
        }
        if (startsWith(head, n, ZIP_MAGIC) || startsWith(head, n, EMPTY_ZIP_MAGIC)) {
            try (ZipFile zip = openZip(file)) {
                if (TorchCheckpointReader.pickleFolder(zip) != null) {
                    return CheckpointFormat.TORCH_ZIP;
                }
                if (NumpyFormat.isNpz(zip)) {
                    return CheckpointFormat.NPZ;
                }
                List<String> names = zip.stream().limit(8).map(e -> e.getName()).collect(Collectors.toList());
                throw new CheckpointException(Reason.NOT_A_CHECKPOINT, file, "not a checkpoint: a zip archive with "
                        + "neither a data.pkl (torch.save) nor only .npy entries (numpy.savez); entries: " + names
                        + (zip.size() > names.size() ? " ..." : ""));
            } catch (IllegalArgumentException e) {
                throw badZipName(file, e);
            }
        }
        if (SafetensorsFormat.looksLike(head, n, size)) {
            return CheckpointFormat.SAFETENSORS;
        }
        if (startsWith(head, n, NPY_MAGIC)) {
            throw new CheckpointException(Reason.UNSUPPORTED, file, "a single .npy array is not a state dict; save "
                    + "named arrays with numpy.savez instead");
        }
        if (n >= 262 && new String(head, 257, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar")) {
            throw new CheckpointException(Reason.UNSUPPORTED, file, "a tar archive: the torch.save format of "
                    + "PyTorch before 0.1.10 is not supported; load and re-save it with a current PyTorch");
        }
        if ((head[0] & 0xff) == 0x80 && n > 1 && head[1] >= 0 && head[1] <= 5
                || PICKLE_STARTS.indexOf((char) (head[0] & 0xff)) >= 0) {
            return CheckpointFormat.TORCH_LEGACY;
        }
        throw new CheckpointException(Reason.NOT_A_CHECKPOINT, file, "not a checkpoint: unknown format (first "
                + "bytes " + HexFormat.ofDelimiter(" ").formatHex(head, 0, Math.min(n, 8)) + "); supported are "
                + "PyTorch .pth/.ckpt (zip and legacy), .safetensors and .npz");
    }

    /**
     * The parameters and buffers of a block as a state dict with PyTorch keys (see {@link StateDict#of(Block)}).
     *
     * @param block an initialised block following the {@link org.dckd.nn.TorchModule} naming convention
     * @return the state dict
     */
    public static StateDict stateDictOf(Block block) {
        return StateDict.of(block);
    }

    /**
     * Writes a state dict as {@code .safetensors} with the metadata {@code {"format": "pt"}} (which PyTorch tools
     * expect). See {@link #writeSafetensors(StateDict, Path, Map, CopyOption...)}.
     *
     * @param stateDict the tensors
     * @param file the target
     * @param options {@link StandardCopyOption#REPLACE_EXISTING} to overwrite an existing file
     * @throws IOException if writing fails, or {@link FileAlreadyExistsException} if the file exists and
     *     {@code REPLACE_EXISTING} was not given
     */
    public static void writeSafetensors(StateDict stateDict, Path file, CopyOption... options) throws IOException {
        writeSafetensors(stateDict, file, Map.of("format", "pt"), options);
    }

    /**
     * Writes a state dict as {@code .safetensors}, atomically: the data go to a temporary file in the same folder,
     * which is then moved into place, so readers never see a partial file. An existing file is kept (and
     * {@link FileAlreadyExistsException} thrown) unless {@link StandardCopyOption#REPLACE_EXISTING} is given.
     *
     * @param stateDict the tensors (written in state-dict order)
     * @param file the target
     * @param metadata the header's {@code __metadata__} (string to string; empty for none)
     * @param options {@link StandardCopyOption#REPLACE_EXISTING} to overwrite an existing file
     * @throws IOException if writing fails or the file exists
     * @throws CheckpointException if a tensor's type cannot be stored
     */
    public static void writeSafetensors(StateDict stateDict, Path file, Map<String, String> metadata,
            CopyOption... options) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        writeAtomically(file, replaceExisting(options), out -> SafetensorsFormat.write(stateDict, meta, out, file));
    }

    /**
     * Writes a state dict as a PyTorch checkpoint ({@code .pth}: the zip format of {@code torch.save}), atomically like
     * {@link #writeSafetensors(StateDict, Path, Map, CopyOption...)}. PyTorch reads it with
     * {@code torch.load(path, weights_only=True)} (an {@code OrderedDict} of tensors for {@code load_state_dict}), and
     * so does {@link #read(Path)}.
     *
     * @param stateDict the tensors (written in state-dict order)
     * @param file the target
     * @param options {@link StandardCopyOption#REPLACE_EXISTING} to overwrite an existing file
     * @throws IOException if writing fails or the file exists
     * @throws CheckpointException if a tensor's type cannot be stored
     */
    public static void writePth(StateDict stateDict, Path file, CopyOption... options) throws IOException {
        writeAtomically(file, replaceExisting(options), out -> TorchZipFormat.write(stateDict, out, file));
    }

    /**
     * Writes a state dict as an uncompressed {@code .npz} ({@code numpy.load} reads it), atomically like
     * {@link #writeSafetensors(StateDict, Path, Map, CopyOption...)}. {@code bfloat16} tensors are refused (numpy has no
     * such type).
     *
     * @param stateDict the tensors
     * @param file the target
     * @param options {@link StandardCopyOption#REPLACE_EXISTING} to overwrite an existing file
     * @throws IOException if writing fails or the file exists
     * @throws CheckpointException if a tensor's type cannot be stored
     */
    public static void writeNpz(StateDict stateDict, Path file, CopyOption... options) throws IOException {
        writeAtomically(file, replaceExisting(options), out -> NumpyFormat.writeNpz(stateDict, out, file));
    }

    // ------------------------------------------------------------------------------------------------ internals

    private interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private static boolean replaceExisting(CopyOption... options) {
        boolean replace = false;
        for (CopyOption o : options) {
            if (o == StandardCopyOption.REPLACE_EXISTING) {
                replace = true;
            } else {
                throw new UnsupportedOperationException("unsupported option " + o + " (only REPLACE_EXISTING)");
            }
        }
        return replace;
    }

    private static void writeAtomically(Path file, boolean replace, Writer writer) throws IOException {
        Path target = file.toAbsolutePath();
        if (!replace && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(file.toString(), null,
                    "not overwritten; pass StandardCopyOption.REPLACE_EXISTING to replace it");
        }
        Path dir = target.getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                writer.write(out);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        } catch (FileSystemException e) {
            Files.deleteIfExists(tmp);
            throw e;
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            // e.g. "No space left on device", which names no file by itself
            throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        try {
            if (replace) {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } else {
                try {
                    // link(2) fails if the target appeared meanwhile: an atomic "create, never replace"
                    Files.createLink(target, tmp);
                } catch (UnsupportedOperationException | FileSystemException e) {
                    if (e instanceof FileAlreadyExistsException) {
                        throw new FileAlreadyExistsException(file.toString(), null,
                                "not overwritten; pass StandardCopyOption.REPLACE_EXISTING to replace it");
                    }
                    Files.move(tmp, target);
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Map<String, Tensor> flat(Path file, Map<String, Tensor> tensors, String entry,
            CheckpointFormat format) {
        if (entry != null) {
            throw new CheckpointException(Reason.MISSING_ENTRY, file, "no entry '" + entry + "': a " + format
                    + " file holds one flat state dict (keys: " + tensors.size() + " tensors)");
        }
        return tensors;
    }

    /** Removes {@code module.} when every key has it (repeatedly). */
    static Map<String, Tensor> stripDataParallelPrefix(Map<String, Tensor> tensors) {
        Map<String, Tensor> out = tensors;
        while (!out.isEmpty() && out.keySet().stream().allMatch(k -> k.startsWith(DATA_PARALLEL_PREFIX))) {
            Map<String, Tensor> stripped = new LinkedHashMap<>();
            out.forEach((k, v) -> stripped.put(k.substring(DATA_PARALLEL_PREFIX.length()), v));
            out = stripped;
        }
        return out;
    }

    private static ZipFile openZip(Path file) {
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("END header")) {
                throw new CheckpointException(Reason.TRUNCATED, file, "the file is truncated or not a complete zip "
                        + "archive: its end-of-archive record is missing (" + m + ")", e);
            }
            throw new CheckpointException(Reason.CORRUPT, file, "corrupt zip archive: " + m, e);
        } catch (IOException e) {
            throw new CheckpointException(Reason.CORRUPT, file, "unreadable zip archive: " + e.getMessage(), e);
        }
    }

    /** {@link ZipFile} reports an entry name that is not valid UTF-8 with an {@link IllegalArgumentException}. */
    private static CheckpointException badZipName(Path file, IllegalArgumentException e) {
        return new CheckpointException(Reason.CORRUPT, file, "corrupt zip archive: an entry name in its central "
                + "directory is not valid UTF-8 (" + e.getMessage() + ")", e);
    }

    private static boolean startsWith(byte[] head, int n, byte[] magic) {
        if (n < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (head[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
