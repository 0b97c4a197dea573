package org.dckd.checkpoint;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

import ai.djl.ndarray.types.DataType;

import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.UnpickleStack;
import net.razorvine.pickle.Unpickler;

import org.dckd.checkpoint.CheckpointException.Reason;

/**
 * A weights-only unpickler for PyTorch checkpoints, modelled on PyTorch's own {@code weights_only=True} loader.
 *
 * <p>Every opcode that resolves a Python global ({@code GLOBAL}, {@code STACK_GLOBAL}, {@code INST}) is checked against
 * {@link #ALLOWED_GLOBALS} before anything is built; a global that is not listed aborts loading with a
 * {@link DisallowedGlobalException}. Extension codes ({@code EXT1/2/4}) are always refused. Calls ({@code REDUCE},
 * {@code NEWOBJ}, {@code NEWOBJ_EX}, {@code OBJ}) accept only the callables this class itself put on the stack, and
 * {@code BUILD} only updates the attributes of an {@code OrderedDict} (PyTorch stores the state dict's
 * {@code _metadata} that way). Dicts keep their insertion order. Pyrolite's process-wide constructor registry is
 * never consulted. Persistent ids (storages) become {@link StorageRecord.Slice}s registered in {@link #records()}.
 *
 * <p>Hostile input is bounded: text integers ({@code INT}, {@code LONG}) longer than {@link #MAX_INT_DIGITS} digits
 * and binary ones ({@code LONG1}, {@code LONG4}) longer than {@link #MAX_INT_BYTES} bytes are refused before they are
 * parsed (parsing decimal text takes quadratic time); lists, dicts and sets are refused as dict keys and set elements,
 * as Python refuses them (unhashable), so a container that contains itself is never hashed; the allowed callables may
 * copy at most {@link #ELEMENTS_PER_BYTE} elements per byte of pickle; and any failure of an opcode is reported with
 * the opcode, its position and the pickle it is in.
 */
final class TorchUnpickler extends Unpickler {

    /** A Python global this unpickler allows; it is what the pickle's stack holds in its place. */
    static final class PyGlobal {
        private final String name;
        private final DataType dataType;
        private final Function<Object[], Object> call;
        private final boolean isClass;

        private PyGlobal(String name, DataType dataType, boolean isClass, Function<Object[], Object> call) {
            this.name = name;
            this.dataType = dataType;
            this.isClass = isClass;
            this.call = call;
        }

        String name() {
            return name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** An {@code OrderedDict} (or dict) built by the pickle; attributes set by {@code BUILD} are kept aside. */
    static final class PyDict extends LinkedHashMap<Object, Object> {
        private static final long serialVersionUID = 1L;
        private final Map<Object, Object> attributes = new LinkedHashMap<>();

        Map<Object, Object> attributes() {
            return attributes;
        }
    }

    /** Fully qualified names of the allowed globals, with the objects that stand for them. */
    static final Map<String, PyGlobal> ALLOWED_GLOBALS;

    /** PyTorch legacy storage class names and their element types (the writer names storages the same way). */
    static final Map<String, DataType> STORAGE_TYPES = Map.ofEntries(
            Map.entry("FloatStorage", DataType.FLOAT32), Map.entry("DoubleStorage", DataType.FLOAT64),
            Map.entry("HalfStorage", DataType.FLOAT16), Map.entry("BFloat16Storage", DataType.BFLOAT16),
            Map.entry("LongStorage", DataType.INT64), Map.entry("IntStorage", DataType.INT32),
            Map.entry("ShortStorage", DataType.INT16), Map.entry("CharStorage", DataType.INT8),
            Map.entry("ByteStorage", DataType.UINT8), Map.entry("BoolStorage", DataType.BOOLEAN),
            Map.entry("UntypedStorage", DataType.UINT8));

    private static final Map<String, DataType> DTYPES = Map.ofEntries(
            Map.entry("float32", DataType.FLOAT32), Map.entry("float64", DataType.FLOAT64),
            Map.entry("float16", DataType.FLOAT16), Map.entry("bfloat16", DataType.BFLOAT16),
            Map.entry("int64", DataType.INT64), Map.entry("int32", DataType.INT32),
            Map.entry("int16", DataType.INT16), Map.entry("int8", DataType.INT8),
            Map.entry("uint8", DataType.UINT8), Map.entry("bool", DataType.BOOLEAN),
            Map.entry("uint16", DataType.UINT16), Map.entry("uint32", DataType.UINT32),
            Map.entry("uint64", DataType.UINT64));

    static {
        Map<String, PyGlobal> g = new LinkedHashMap<>();
        add(g, new PyGlobal("collections.OrderedDict", null, true, TorchUnpickler::orderedDict));
        add(g, new PyGlobal("torch._utils._rebuild_tensor", null, false, a -> rebuildTensor(a, 4, false)));
        add(g, new PyGlobal("torch._utils._rebuild_tensor_v2", null, false, a -> rebuildTensor(a, 6, false)));
        add(g, new PyGlobal("torch._utils._rebuild_tensor_v3", null, false, a -> rebuildTensor(a, 7, true)));
        add(g, new PyGlobal("torch._utils._rebuild_parameter", null, false, a -> parameterData(a, 3)));
        add(g, new PyGlobal("torch._utils._rebuild_parameter_with_state", null, false, a -> parameterData(a, 4)));
        add(g, new PyGlobal("torch.Size", null, true, TorchUnpickler::size));
        STORAGE_TYPES.forEach((n, t) -> add(g, new PyGlobal("torch." + n, t, true, null)));
        DTYPES.forEach((n, t) -> add(g, new PyGlobal("torch." + n, t, false, null)));
        ALLOWED_GLOBALS = Collections.unmodifiableMap(g);
    }

    private static void add(Map<String, PyGlobal> map, PyGlobal global) {
        map.put(global.name, global);
    }

    /** The allow-list in words, for messages (the exact list is {@link #ALLOWED_GLOBALS}). */
    static final String ALLOWED_SUMMARY = "collections.OrderedDict, torch._utils._rebuild_tensor(_v2, _v3), "
            + "torch._utils._rebuild_parameter(_with_state), the torch.*Storage types, torch.Size and the torch dtypes";

    private static final Set<String> DANGEROUS_MODULES = Set.of("os", "posix", "nt", "subprocess", "sys", "shutil",
            "socket", "pty", "importlib", "runpy", "webbrowser", "pickle", "marshal", "types", "ctypes", "code",
            "codeop", "multiprocessing", "asyncio", "io", "_io", "pathlib", "tempfile", "requests", "urllib");

    /**
     * Most decimal digits of a text integer ({@code INT}, {@code LONG}). The largest integer torch.save writes, the
     * legacy magic number, has 24 digits; a state dict needs nothing beyond 64 bits.
     */
    static final int MAX_INT_DIGITS = 100;

    /** Most bytes of a binary integer ({@code LONG1}, {@code LONG4}): 512 bits. */
    static final int MAX_INT_BYTES = 64;

    /** Most characters of the text argument of {@code FLOAT}, {@code GET} and {@code PUT}. */
    private static final int MAX_TEXT_NUMBER = 400;

    /** Elements the allowed callables may copy (tuples, lists and dicts passed to them), per byte of pickle. */
    static final long ELEMENTS_PER_BYTE = 16;

    /** Elements the allowed callables may copy regardless of the pickle's size. */
    static final long ELEMENT_SLACK = 1 << 20;

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Map<Short, String> OPCODE_NAMES = opcodeNames();

    private final Path file;
    private final LongSupplier remaining;
    private final Map<String, StorageRecord> records = new LinkedHashMap<>();
    private String where = "the pickle";
    private long elementBudget = -1;
    private long pickleBytes;
    private long elementsCopied;
    private TorchCheckpointReader.CountingInputStream counter;
    private short currentOpcode = -1;
    private long opcodeAt;

    /**
     * Creates an unpickler for one checkpoint file.
     *
     * @param file the checkpoint (named in every error)
     * @param remaining how many bytes are left in the stream being unpickled: length-prefixed opcodes that announce
     *     more are refused before anything is allocated (a few bytes must not make the reader allocate gigabytes)
     */
    TorchUnpickler(Path file, LongSupplier remaining) {
        this.file = file;
        this.remaining = remaining;
    }

    /** The storage records referenced so far, by key, in first-reference order. */
    Map<String, StorageRecord> records() {
        return records;
    }

    /**
     * Unpickles one object from {@code stream}, naming {@code where} (a zip entry such as {@code archive/data.pkl}, or
     * {@code the main pickle}) in every error.
     *
     * @param stream the pickle
     * @param where the pickle's place in the file, for messages
     * @return the unpickled object
     * @throws IOException if the stream cannot be read or ends early
     * @throws PickleException if an opcode fails (the message names the opcode and its position)
     * @throws CheckpointException if the pickle is refused (disallowed global, malformed or oversized content)
     */
    Object load(InputStream stream, String where) throws IOException {
        this.where = where;
        return load(stream);
    }

    /**
     * Unpickles one object, like {@link #load(InputStream, String)} with the last place given.
     *
     * @param stream the pickle
     * @return the unpickled object
     * @throws IOException if the stream cannot be read or ends early
     */
    @Override
    public Object load(InputStream stream) throws IOException {
        if (elementBudget < 0) {
            pickleBytes = Math.max(0, remaining.getAsLong());
            elementBudget = pickleBytes > (Long.MAX_VALUE - ELEMENT_SLACK) / ELEMENTS_PER_BYTE ? Long.MAX_VALUE
                    : pickleBytes * ELEMENTS_PER_BYTE + ELEMENT_SLACK;
        }
        counter = new TorchCheckpointReader.CountingInputStream(stream);
        input = counter;
        stack = new UnpickleStack();
        try {
            while (true) {
                opcodeAt = counter.count();
                currentOpcode = -1;
                short key = PickleUtils.readbyte(input);
                if (key < 0) {
                    throw new EOFException("premature end of file");
                }
                currentOpcode = key;
                Object value;
                try {
                    value = dispatch(key);
                } catch (CheckpointException | IOException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // Pyrolite's own opcodes fail with raw exceptions (an empty stack, an operand of the wrong type)
                    throw new PickleException(opcodeDescription() + ": " + explain(e), e);
                }
                if (value != NO_RETURN_VALUE) {
                    return value;
                }
            }
        } finally {
            currentOpcode = -1;
        }
    }

    @Override
    protected Object dispatch(short opcode) throws PickleException, IOException {
        switch (opcode) {
            case Opcodes.INT -> stack.add(parseInt(readText(MAX_INT_DIGITS + 1, "INT"), "INT"));
            case Opcodes.LONG -> stack.add(parseLong(readText(MAX_INT_DIGITS + 2, "LONG")));
            case Opcodes.LONG1 -> {
                short n = PickleUtils.readbyte(input);
                if (n < 0) {
                    throw new EOFException("premature end of file");
                }
                stack.add(readBinaryInt(n, "LONG1"));
            }
            case Opcodes.LONG4 -> stack.add(readBinaryInt(PickleUtils.bytes_to_integer(
                    PickleUtils.readbytes(input, 4)), "LONG4"));
            case Opcodes.FLOAT -> stack.add(parseFloat(readText(MAX_TEXT_NUMBER, "FLOAT")));
            case Opcodes.GET -> {
                int index = parseIndex(readText(20, "GET"), "GET");
                if (!memo.containsKey(index)) {
                    throw malformed("GET of memo entry " + index + ", which was never stored");
                }
                stack.add(memo.get(index));
            }
            case Opcodes.PUT -> memo.put(parseIndex(readText(20, "PUT"), "PUT"), stack.peek());
            case Opcodes.APPEND -> {
                Object value = stack.pop();
                targetList("APPEND").add(value);
            }
            case Opcodes.APPENDS -> {
                List<Object> items = stack.pop_all_since_marker();
                targetList("APPENDS").addAll(items);
            }
            case Opcodes.FROZENSET -> {
                List<Object> items = stack.pop_all_since_marker();
                Set<Object> set = new HashSet<>();
                for (Object item : items) {
                    set.add(hashable(item, "FROZENSET"));
                }
                stack.add(set);
            }
            case Opcodes.ADDITEMS -> {
                List<Object> items = stack.pop_all_since_marker();
                Object top = stack.peek();
                if (!(top instanceof Set<?>)) {
                    throw malformed("ADDITEMS on " + kind(top) + " instead of a set");
                }
                @SuppressWarnings("unchecked")
                Set<Object> set = (Set<Object>) top;
                for (Object item : items) {
                    set.add(hashable(item, "ADDITEMS"));
                }
            }
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(resolve(module, name, "GLOBAL"));
            }
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(module instanceof String) || !(name instanceof String)) {
                    throw malformed("STACK_GLOBAL needs two strings, found " + kind(module) + " and " + kind(name));
                }
                stack.add(resolve((String) module, (String) name, "STACK_GLOBAL"));
            }
            case Opcodes.INST -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                PyGlobal global = resolve(module, name, "INST");
                List<Object> args = stack.pop_all_since_marker();
                stack.add(call(global, args.toArray(), "INST"));
            }
            case Opcodes.OBJ -> {
                List<Object> all = stack.pop_all_since_marker();
                if (all.isEmpty()) {
                    throw malformed("OBJ without a class");
                }
                stack.add(call(all.get(0), all.subList(1, all.size()).toArray(), "OBJ"));
            }
            case Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4 -> {
                int width = opcode == Opcodes.EXT1 ? 1 : opcode == Opcodes.EXT2 ? 2 : 4;
                byte[] code = PickleUtils.readbytes(input, width);
                long value = 0;
                for (int i = width - 1; i >= 0; i--) {
                    value = (value << 8) | (code[i] & 0xff);
                }
                throw refused("extension code " + value, "EXT" + width);
            }
            case Opcodes.REDUCE -> {
                Object args = stack.pop();
                Object callable = stack.pop();
                stack.add(call(callable, tuple(args, "REDUCE"), "REDUCE"));
            }
            case Opcodes.NEWOBJ -> {
                Object args = stack.pop();
                Object cls = stack.pop();
                stack.add(newObject(cls, tuple(args, "NEWOBJ")));
            }
            case Opcodes.NEWOBJ_EX -> {
                Object kwargs = stack.pop();
                Object args = stack.pop();
                Object cls = stack.pop();
                if (!(kwargs instanceof Map<?, ?> m) || !m.isEmpty()) {
                    throw malformed("NEWOBJ_EX with keyword arguments");
                }
                stack.add(newObject(cls, tuple(args, "NEWOBJ_EX")));
            }
            case Opcodes.BUILD -> {
                Object state = stack.pop();
                Object target = stack.peek();
                if (!(target instanceof PyDict dict)) {
                    throw malformed("BUILD (set object state) on " + kind(target) + "; only an OrderedDict's "
                            + "attributes can be set in a weights-only checkpoint");
                }
                if (state instanceof Map<?, ?> attrs) {
                    dict.attributes().putAll(attrs);
                } else if (state instanceof Object[] pair && pair.length == 2) {
                    if (pair[0] instanceof Map<?, ?> attrs) {
                        dict.attributes().putAll(attrs);
                    }
                    if (pair[1] instanceof Map<?, ?> slots) {
                        dict.attributes().putAll(slots);
                    }
                } else if (state != null) {
                    throw malformed("BUILD with a " + kind(state) + " state");
                }
            }
            case Opcodes.EMPTY_DICT -> stack.add(new PyDict());
            case Opcodes.DICT -> {
                List<Object> items = stack.pop_all_since_marker();
                PyDict dict = new PyDict();
                putPairs(dict, items, "DICT");
                stack.add(dict);
            }
            case Opcodes.SETITEMS -> {
                List<Object> items = stack.pop_all_since_marker();
                putPairs(targetDict("SETITEMS"), items, "SETITEMS");
            }
            case Opcodes.SETITEM -> {
                Object value = stack.pop();
                Object key = stack.pop();
                targetDict("SETITEM").put(hashable(key, "SETITEM"), value);
            }
            case Opcodes.BINBYTES -> stack.add(readCounted(4, "BINBYTES"));
            case Opcodes.BINBYTES8 -> stack.add(readCounted(8, "BINBYTES8"));
            case Opcodes.BYTEARRAY8 -> stack.add(readCounted(8, "BYTEARRAY8"));
            case Opcodes.BINUNICODE -> stack.add(new String(readCounted(4, "BINUNICODE"), StandardCharsets.UTF_8));
            case Opcodes.BINUNICODE8 -> stack.add(new String(readCounted(8, "BINUNICODE8"), StandardCharsets.UTF_8));
            case Opcodes.BINSTRING -> stack.add(PickleUtils.rawStringFromBytes(readCounted(4, "BINSTRING")));
            default -> {
                return super.dispatch(opcode);
            }
        }
        return NO_RETURN_VALUE;
    }

    /** Reads a little-endian length of {@code width} bytes, then that many bytes, refusing impossible lengths. */
    private byte[] readCounted(int width, String opcode) throws IOException {
        byte[] len = PickleUtils.readbytes(input, width);
        long n = 0;
        for (int i = width - 1; i >= 0; i--) {
            n = (n << 8) | (len[i] & 0xff);
        }
        if (width == 4 && opcode.equals("BINSTRING")) {
            n = (int) n; // signed 32-bit in the pickle format
        }
        long left = remaining.getAsLong();
        if (n < 0 || n > left) {
            throw malformed(opcode + " announces " + n + " bytes, but only " + left + " remain");
        }
        return PickleUtils.readbytes(input, n);
    }

    /**
     * Reads the text argument of a protocol-0 opcode up to its newline, refusing one longer than {@code max}
     * characters before anything is parsed.
     */
    private String readText(int max, String opcode) throws IOException {
        StringBuilder text = new StringBuilder();
        while (true) {
            int c = input.read();
            if (c < 0) {
                throw new EOFException("premature end of file");
            }
            if (c == '\n') {
                return text.toString();
            }
            if (text.length() >= max) {
                String start = clip(text.toString());
                throw malformed(opcode.equals("INT") || opcode.equals("LONG")
                        ? opcode + " has an integer of more than " + MAX_INT_DIGITS + " digits (" + start
                        + "...), refused unparsed: integers that large never occur in a checkpoint, and parsing them "
                        + "takes time quadratic in their length"
                        : opcode + " has a text argument of more than " + max + " characters (" + start + "...); no "
                        + opcode + " argument is that long");
            }
            text.append((char) c);
        }
    }

    /** The value of an {@code INT} opcode: {@code 01}/{@code 00} are True/False, otherwise a decimal integer. */
    private Object parseInt(String text, String opcode) {
        if (text.equals("01")) {
            return Boolean.TRUE;
        }
        if (text.equals("00")) {
            return Boolean.FALSE;
        }
        Number n = parseInteger(text, opcode);
        if (n instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
            return l.intValue();
        }
        return n;
    }

    /** The value of a {@code LONG} opcode: a decimal integer with an optional trailing {@code L}. */
    private Number parseLong(String text) {
        return parseInteger(text.endsWith("L") ? text.substring(0, text.length() - 1) : text, "LONG");
    }

    private Number parseInteger(String text, String opcode) {
        if (!INTEGER.matcher(text).matches()) {
            throw malformed(opcode + " argument '" + clip(text) + "' is not a decimal integer");
        }
        int digits = text.length() - (text.charAt(0) == '+' || text.charAt(0) == '-' ? 1 : 0);
        if (digits > MAX_INT_DIGITS) {
            throw malformed(opcode + " has an integer of " + digits + " digits; integers of more than "
                    + MAX_INT_DIGITS + " digits never occur in a checkpoint");
        }
        return PickleUtils.optimizeBigint(new BigInteger(text));
    }

    /** Reads the {@code n} little-endian two's-complement bytes of a {@code LONG1}/{@code LONG4}, refusing big ones. */
    private Number readBinaryInt(int n, String opcode) throws IOException {
        if (n < 0) {
            throw malformed(opcode + " announces a negative length " + n);
        }
        if (n > MAX_INT_BYTES) {
            throw malformed(opcode + " announces an integer of " + n + " bytes; integers of more than "
                    + MAX_INT_BYTES + " bytes (" + MAX_INT_BYTES * 8 + " bits) never occur in a checkpoint");
        }
        return PickleUtils.decode_long(PickleUtils.readbytes(input, n));
    }

    private Double parseFloat(String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        switch (t) {
            case "nan", "+nan", "-nan" -> {
                return Double.NaN;
            }
            case "inf", "+inf", "infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
                try {
                    return Double.parseDouble(t);
                } catch (NumberFormatException e) {
                    throw malformed("FLOAT argument '" + clip(text) + "' is not a number");
                }
            }
        }
    }

    private int parseIndex(String text, String opcode) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw malformed(opcode + " argument '" + clip(text) + "' is not a memo index");
        }
    }

    @SuppressWarnings("unchecked")
    private List<Object> targetList(String opcode) {
        Object top = stack.peek();
        if (!(top instanceof List<?>)) {
            throw malformed(opcode + " on " + kind(top) + " instead of a list");
        }
        return (List<Object>) top;
    }

    /**
     * Refuses lists, dicts and sets as dict keys or set elements, as Python does (they are unhashable). Hashing such a
     * container in Java hashes its elements, so one that contains itself would recurse until the stack overflows.
     */
    private Object hashable(Object key, String opcode) {
        String problem = unhashable(key);
        if (problem != null) {
            throw malformed(opcode + " " + problem);
        }
        return key;
    }

    /** Why {@code key} cannot be a dict key or set element, or {@code null} if it can. */
    static String unhashable(Object key) {
        if (key instanceof List<?> || key instanceof Map<?, ?> || key instanceof Set<?>) {
            return "uses a " + kind(key) + " as a dict key or set element; Python refuses this (unhashable type), "
                    + "and a container that contains itself cannot be hashed at all";
        }
        return null;
    }

    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[] t) || t.length < 5 || !"storage".equals(t[0])) {
            throw malformed("unsupported persistent id " + describePid(pid) + " (expected a ('storage', ...) tuple)");
        }
        if (!(t[1] instanceof PyGlobal type) || type.dataType == null || !type.name.endsWith("Storage")) {
            throw malformed("persistent id names " + kind(t[1]) + " instead of a torch storage type");
        }
        if (!(t[2] instanceof String key)) {
            throw malformed("the storage key in persistent id " + describePid(pid) + " is a " + kind(t[2])
                    + ", not a string");
        }
        long numel = checkedLong(t[4], "the size of storage '" + key + "'");
        if (numel < 0) {
            throw malformed("storage '" + key + "' declares a negative size " + numel);
        }
        StorageRecord record = records.get(key);
        if (record == null) {
            record = new StorageRecord(key, type.dataType, numel);
            records.put(key, record);
        } else if (record.dataType() != type.dataType || record.numel() != numel) {
            throw malformed("storage '" + key + "' is declared twice with different types or sizes");
        }
        if (t.length > 5 && t[5] != null) {
            // legacy format: (view_key, offset, view_size) into the root storage
            if (!(t[5] instanceof Object[] view) || view.length != 3) {
                throw malformed("malformed storage view " + describePid(t[5]));
            }
            long offset = checkedLong(view[1], "the offset of a view of storage '" + key + "'");
            long viewSize = checkedLong(view[2], "the size of a view of storage '" + key + "'");
            if (offset < 0 || viewSize < 0 || offset > numel - viewSize) {
                throw new CheckpointException(CheckpointException.Reason.SIZE_MISMATCH, file,
                        "storage view " + describe(view[0]) + " (offset " + offset + ", size " + viewSize
                                + ") lies outside its storage '" + key + "' of " + numel + " elements (in " + where
                                + ")");
            }
            return new StorageRecord.Slice(record, offset, viewSize);
        }
        return new StorageRecord.Slice(record, 0, numel);
    }

    @Override
    protected Object next_buffer() {
        throw malformed("out-of-band buffers (pickle protocol 5 NEXT_BUFFER) are not used by checkpoints");
    }

    private PyGlobal resolve(String module, String name, String opcode) {
        PyGlobal global = ALLOWED_GLOBALS.get(module + "." + name);
        if (global == null) {
            throw refused(module + "." + name, opcode);
        }
        return global;
    }

    private Object call(Object callable, Object[] args, String opcode) {
        if (!(callable instanceof PyGlobal global)) {
            throw malformed(opcode + " calls " + kind(callable) + ", which is not callable");
        }
        if (global.call == null) {
            throw malformed(opcode + " calls " + global.name + ", which a checkpoint never calls");
        }
        chargeElements(args, global.name);
        try {
            return global.call.apply(args);
        } catch (CheckpointException e) {
            throw e;
        } catch (RuntimeException e) {
            throw malformed(global.name + " called with unexpected arguments (" + e.getMessage() + ")");
        }
    }

    /**
     * Counts the elements an allowed callable is about to copy. A pickle can pass the same memoised list to
     * {@code torch.Size} or {@code OrderedDict} over and over, one opcode each time, so the copies could grow with the
     * square of the file size.
     */
    private void chargeElements(Object[] args, String name) {
        long n = args.length;
        for (Object a : args) {
            if (a instanceof Object[] t) {
                n += t.length;
            } else if (a instanceof Collection<?> c) {
                n += c.size();
            } else if (a instanceof Map<?, ?> m) {
                n += m.size();
            }
        }
        elementsCopied += n;
        if (elementsCopied > elementBudget) {
            throw new CheckpointException(Reason.TOO_LARGE, file, "the pickle in " + where + " makes " + name
                    + " and the other callables copy more than " + elementBudget + " elements, far more than its "
                    + pickleBytes + " bytes hold: it passes the same containers over and over (a decompression "
                    + "bomb), which no state dict does" + at());
        }
    }

    private Object newObject(Object cls, Object[] args) {
        if (!(cls instanceof PyGlobal global) || !global.isClass || global.call == null) {
            throw malformed("NEWOBJ on " + kind(cls) + ", which is not a class a checkpoint instantiates");
        }
        return call(global, args, "NEWOBJ");
    }

    private Object[] tuple(Object args, String opcode) {
        if (args instanceof Object[] a) {
            return a;
        }
        throw malformed(opcode + " needs a tuple of arguments, found " + kind(args));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> targetDict(String opcode) {
        Object top = stack.peek();
        if (!(top instanceof Map<?, ?>)) {
            throw malformed(opcode + " on " + kind(top) + " instead of a dict");
        }
        return (Map<Object, Object>) top;
    }

    private void putPairs(Map<Object, Object> dict, List<Object> items, String opcode) {
        if (items.size() % 2 != 0) {
            throw malformed(opcode + " with an odd number of items");
        }
        for (int i = 0; i < items.size(); i += 2) {
            dict.put(hashable(items.get(i), opcode), items.get(i + 1));
        }
    }

    private DisallowedGlobalException refused(String global, String opcode) {
        String why;
        String module = global.contains(".") ? global.substring(0, global.indexOf('.')) : global;
        if (DANGEROUS_MODULES.contains(module) || global.startsWith("builtins.") || global.startsWith("__builtin__.")
                || global.startsWith("extension code")) {
            why = "This global can run arbitrary code: do not trust this file.";
        } else if (module.equals("numpy")) {
            why = "The file stores numpy objects (for example a numpy scalar next to the weights), which a "
                    + "weights-only reader does not build; re-save the tensors alone.";
        } else {
            why = "The file probably pickles a whole Python object (a model, an optimizer, a config class) rather "
                    + "than a plain state dict; re-save it with torch.save(model.state_dict(), path).";
        }
        return new DisallowedGlobalException(file, global, "refused to load: the pickle references '" + global
                + "' (" + opcode + " in " + where + "), which is not on the allow-list of a weights-only checkpoint. "
                + why
                + " Nothing from the file was executed. Allowed are only " + ALLOWED_SUMMARY + ".");
    }

    private CheckpointException malformed(String message) {
        return new CheckpointException(CheckpointException.Reason.CORRUPT, file, "malformed pickle in " + where + ": "
                + message + at());
    }

    /** Where the current opcode is, for messages ({@code " (opcode SETITEM 's' at byte 12)"}), or "". */
    private String at() {
        return currentOpcode < 0 ? "" : " (" + opcodeDescription() + ")";
    }

    private String opcodeDescription() {
        short op = currentOpcode;
        String name = OPCODE_NAMES.getOrDefault(op, "unknown");
        String code = op >= 0x20 && op < 0x7f ? "'" + (char) op + "'" : String.format("0x%02x", op);
        return "opcode " + name + " " + code + " at byte " + opcodeAt;
    }

    /** A failure of one of Pyrolite's own opcodes, in words. */
    private static String explain(RuntimeException e) {
        if (e instanceof PickleException) {
            return e.getMessage();
        } else if (e instanceof ClassCastException) {
            return "an operand has the wrong type";
        } else if (e instanceof StringIndexOutOfBoundsException) {
            return "a text argument ends inside an escape sequence";
        } else if (e instanceof IndexOutOfBoundsException) {
            return "it needs more operands than the stack holds (a MARK or a value is missing)";
        } else if (e instanceof NumberFormatException) {
            return "a text argument is not a number";
        }
        return e.toString();
    }

    private static Map<Short, String> opcodeNames() {
        Map<Short, String> names = new HashMap<>();
        for (Field f : Opcodes.class.getFields()) {
            if (f.getType() == short.class && Modifier.isStatic(f.getModifiers())) {
                try {
                    names.putIfAbsent(f.getShort(null), f.getName());
                } catch (IllegalAccessException e) {
                    // public interface constants are always readable
                }
            }
        }
        return Collections.unmodifiableMap(names);
    }

    private static String clip(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    // ------------------------------------------------------------------------------------------- allowed callables

    private static Object orderedDict(Object[] args) {
        PyDict dict = new PyDict();
        if (args.length > 0 && args[0] != null) {
            if (!(args[0] instanceof Object[]) && !(args[0] instanceof List<?>)) {
                throw new IllegalArgumentException("expected a list of (key, value) pairs, got " + kind(args[0]));
            }
            Iterable<?> items = args[0] instanceof Object[] a ? java.util.Arrays.asList(a) : (List<?>) args[0];
            for (Object item : items) {
                Object[] pair = item instanceof Object[] p ? p : item instanceof List<?> l ? l.toArray() : null;
                if (pair == null || pair.length != 2) {
                    throw new IllegalArgumentException("an item is a " + kind(item) + ", not a (key, value) pair");
                }
                String problem = unhashable(pair[0]);
                if (problem != null) {
                    throw new IllegalArgumentException("a pair " + problem);
                }
                dict.put(pair[0], pair[1]);
            }
        }
        return dict;
    }

    private static Object size(Object[] args) {
        if (args.length == 0) {
            return new Object[0];
        }
        if (args[0] instanceof Object[] a) {
            return a;
        }
        if (args[0] instanceof List<?> l) {
            return l.toArray();
        }
        throw new IllegalArgumentException("expected a tuple or list of dimensions, got " + kind(args[0]));
    }

    private static Object parameterData(Object[] args, int expected) {
        if (args.length < expected - 1 || !(args[0] instanceof PickledTensor)) {
            throw new IllegalArgumentException("expected (tensor, requires_grad, hooks...)");
        }
        return args[0];
    }

    private static Object rebuildTensor(Object[] args, int minArgs, boolean explicitDtype) {
        if (args.length < minArgs || !(args[0] instanceof StorageRecord.Slice storage)) {
            throw new IllegalArgumentException("expected (storage, offset, size, stride, ...), got "
                    + args.length + " arguments");
        }
        DataType dataType = storage.record().dataType();
        if (explicitDtype) {
            if (!(args[6] instanceof PyGlobal dtype) || dtype.dataType == null) {
                throw new IllegalArgumentException("argument 7 is not a dtype");
            }
            dataType = dtype.dataType;
        }
        return new PickledTensor(storage, dataType, toLong(args[1], "storage offset"), longs(args[2]),
                longs(args[3]));
    }

    private static long[] longs(Object tuple) {
        if (!(tuple instanceof Object[]) && !(tuple instanceof List<?>)) {
            throw new IllegalArgumentException("size and stride must be tuples, found " + kind(tuple));
        }
        Object[] items = tuple instanceof Object[] a ? a : ((List<?>) tuple).toArray();
        long[] out = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            out[i] = toLong(items[i], "dimension");
        }
        return out;
    }

    private static long toLong(Object o, String what) {
        if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
            return ((Number) o).longValue();
        }
        if (o instanceof BigInteger) {
            throw new IllegalArgumentException(what + " " + o + " does not fit in 64 bits");
        }
        throw new IllegalArgumentException(what + " is " + kind(o) + ", not an integer");
    }

    /** {@link #toLong} reporting a malformed pickle. */
    private long checkedLong(Object o, String what) {
        try {
            return toLong(o, what);
        } catch (IllegalArgumentException e) {
            throw malformed(e.getMessage());
        }
    }

    /** A short, safe description of a pickled value for messages (never recursive, never long). */
    static String describe(Object o) {
        if (o instanceof String s) {
            return "'" + clip(s) + "'";
        } else if (o instanceof Number || o instanceof Boolean) {
            return clip(o.toString());
        }
        return kind(o);
    }

    private static String describePid(Object pid) {
        if (pid instanceof Object[] a) {
            List<String> parts = new ArrayList<>();
            for (Object o : a) {
                if (parts.size() == 8) {
                    parts.add("... " + (a.length - 8) + " more");
                    break;
                }
                parts.add(o instanceof String s ? "'" + clip(s) + "'" : kind(o));
            }
            return "(" + String.join(", ", parts) + ")";
        }
        return kind(pid);
    }

    /** A short description of a pickled value for messages. */
    static String kind(Object o) {
        if (o == null) {
            return "None";
        } else if (o instanceof PickledTensor t) {
            return t.toString();
        } else if (o instanceof PyGlobal g) {
            return g.name;
        } else if (o instanceof Map<?, ?> m) {
            return "dict of " + m.size() + " entries";
        } else if (o instanceof List<?> l) {
            return "list of " + l.size();
        } else if (o instanceof Set<?> st) {
            return "set of " + st.size();
        } else if (o instanceof Object[] a) {
            return "tuple of " + a.length;
        } else if (o instanceof String) {
            return "string";
        } else if (o instanceof Boolean) {
            return "bool";
        } else if (o instanceof Double) {
            return "float";
        } else if (o instanceof Number) {
            return "int";
        } else if (o instanceof byte[]) {
            return "bytes";
        } else if (o instanceof StorageRecord.Slice) {
            return "storage";
        }
        return o.getClass().getSimpleName();
    }
}
