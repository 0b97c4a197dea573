package org.dckd.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import ai.djl.ndarray.types.DataType;

/**
 * Writes a state dict in PyTorch's own format (the zip archive of {@code torch.save} since PyTorch 1.6), so that
 * {@code torch.load(path, weights_only=True)} returns an {@code OrderedDict} of tensors.
 *
 * <p>The archive holds {@code archive/data.pkl} (a protocol-2 pickle that names only what {@code weights_only} allows:
 * {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2} and the legacy storage classes such as
 * {@code torch.FloatStorage}), one stored (uncompressed) record {@code archive/data/<i>} per tensor, aligned to 64
 * bytes as PyTorch aligns them (so {@code mmap=True} works too), {@code archive/byteorder} and {@code archive/version}.
 */
final class TorchZipFormat {

    private static final String ROOT = "archive/";
    private static final int ALIGNMENT = 64;

    private TorchZipFormat() {}

    static void write(StateDict stateDict, OutputStream target, Path file) throws IOException {
        StoredZipWriter zip = new StoredZipWriter(target, ALIGNMENT);
        zip.add(ROOT + "data.pkl", pickle(stateDict, file));
        zip.add(ROOT + "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        int i = 0;
        for (Tensor t : stateDict.tensors().values()) {
            zip.add(ROOT + "data/" + i++, bytes(t.data()));
        }
        zip.add(ROOT + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
        zip.finish();
    }

    private static byte[] bytes(ByteBuffer data) {
        ByteBuffer b = data.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** The pickle: {@code OrderedDict([(key, _rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())), ...])}. */
    private static byte[] pickle(StateDict stateDict, Path file) {
        Pickle p = new Pickle();
        p.op(0x80).op(2);                                          // PROTO 2
        p.global("collections", "OrderedDict").op(')').op('R');     // OrderedDict()
        if (!stateDict.tensors().isEmpty()) {
            p.op('(');
            int i = 0;
            for (Map.Entry<String, Tensor> entry : stateDict.tensors().entrySet()) {
                Tensor t = entry.getValue();
                p.string(entry.getKey());
                p.global("torch._utils", "_rebuild_tensor_v2").op('(');
                // persistent id: ('storage', torch.FloatStorage, '<i>', 'cpu', numel)
                p.op('(').string("storage").global("torch", storageClass(t.dataType(), entry.getKey(), file))
                        .string(Integer.toString(i++)).string("cpu").integer(t.numel()).op('t').op('Q');
                p.integer(0);                                      // storage offset
                long[] shape = t.shape();
                p.longs(shape).longs(contiguousStrides(shape));
                p.op(0x89);                                        // requires_grad = False
                p.global("collections", "OrderedDict").op(')').op('R');   // backward hooks
                p.op('t').op('R');
            }
            p.op('u');                                             // SETITEMS
        }
        p.op('.');
        return p.out.toByteArray();
    }

    private static String storageClass(DataType type, String key, Path file) {
        for (Map.Entry<String, DataType> e : TorchUnpickler.STORAGE_TYPES.entrySet()) {
            if (e.getValue() == type && !e.getKey().equals("UntypedStorage")) {
                return e.getKey();
            }
        }
        throw new CheckpointException(CheckpointException.Reason.WRITE_REFUSED, file, "tensor '" + key + "' has type "
                + type + ", which a PyTorch checkpoint cannot store");
    }

    private static long[] contiguousStrides(long[] shape) {
        long[] stride = new long[shape.length];
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            stride[d] = s;
            s *= Math.max(shape[d], 1);
        }
        return stride;
    }

    /** The few pickle opcodes the state dict needs. */
    private static final class Pickle {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle op(int opcode) {
            out.write(opcode);
            return this;
        }

        Pickle global(String module, String name) {
            out.write('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Pickle string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write('X');                                        // BINUNICODE
            le(b.length, 4);
            out.writeBytes(b);
            return this;
        }

        Pickle integer(long v) {
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                out.write('J');                                    // BININT
                le(v, 4);
            } else {
                out.write(0x8a);                                   // LONG1: 8 little-endian two's-complement bytes
                out.write(8);
                le(v, 8);
            }
            return this;
        }

        Pickle longs(long[] values) {
            if (values.length == 0) {
                return op(')');
            }
            op('(');
            for (long v : values) {
                integer(v);
            }
            return op('t');
        }

        private void le(long v, int bytes) {
            for (int i = 0; i < bytes; i++) {
                out.write((int) (v >>> (8 * i)) & 0xff);
            }
        }
    }
}
