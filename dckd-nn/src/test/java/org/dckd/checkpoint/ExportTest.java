package org.dckd.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export to safetensors and npz: byte-exact round trips, the header layout, atomic no-overwrite writing. */
class ExportTest {

    @TempDir
    Path dir;

    private static StateDict allDtypes() throws IOException {
        return Checkpoints.read(Fixtures.resource("dtypes_zip.pth"));
    }

    @Test
    void safetensorsRoundTripIsByteExactForEveryDtype() throws IOException {
        StateDict sd = allDtypes();
        Path file = dir.resolve("all.safetensors");

        Checkpoints.writeSafetensors(sd, file);
        StateDict back = Checkpoints.read(file);

        assertEquals(CheckpointFormat.SAFETENSORS, Checkpoints.detectFormat(file));
        assertEquals(List.copyOf(sd.keys()), List.copyOf(back.keys()));
        for (String key : sd.keys()) {
            assertTrue(sd.get(key).contentEquals(back.get(key)), key);
            assertArrayEquals(sd.get(key).toByteArray(), back.get(key).toByteArray(), key);
        }
        assertEquals(file, back.source());
    }

    @Test
    void pthRoundTripIsByteExactForEveryDtypeAndRecordsAreAligned() throws IOException {
        StateDict sd = allDtypes();
        Path file = dir.resolve("all.pth");

        Checkpoints.writePth(sd, file);
        StateDict back = Checkpoints.read(file);

        assertEquals(CheckpointFormat.TORCH_ZIP, Checkpoints.detectFormat(file));
        assertEquals(List.copyOf(sd.keys()), List.copyOf(back.keys()));
        for (String key : sd.keys()) {
            assertTrue(sd.get(key).contentEquals(back.get(key)), key);
            assertArrayEquals(sd.get(key).shape(), back.get(key).shape(), key);
        }
        // every record's data starts on a multiple of 64 bytes (as torch.save writes them; torch.load(mmap=True))
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int records = 0;
        for (int at = 0; at + 30 <= all.length && b.getInt(at) == 0x04034b50; records++) {
            int nameLength = b.getShort(at + 26) & 0xffff;
            int extraLength = b.getShort(at + 28) & 0xffff;
            int dataStart = at + 30 + nameLength + extraLength;
            String name = new String(all, at + 30, nameLength, StandardCharsets.UTF_8);
            assertTrue(name.startsWith("archive/"), name);
            assertEquals(0, dataStart % 64, name + " starts at " + dataStart);
            at = dataStart + b.getInt(at + 18);
        }
        assertEquals(sd.size() + 3, records, "data.pkl, byteorder, version and one record per tensor");
        assertThrows(FileAlreadyExistsException.class, () -> Checkpoints.writePth(sd, file));
    }

    @Test
    void safetensorsHeaderFollowsTheSpecification() throws IOException {
        StateDict sd = allDtypes();
        Path file = dir.resolve("spec.safetensors");
        Checkpoints.writeSafetensors(sd, file, Map.of("format", "pt", "source", "dckd"));
        byte[] all = Files.readAllBytes(file);

        long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8, "data start aligned to 8 bytes");
        assertEquals('{', all[8]);
        String json = new String(all, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals(json.strip(), json.substring(0, json.strip().length()), "padding is trailing spaces only");
        JsonNode header = new ObjectMapper().readTree(json);
        assertEquals("pt", header.get("__metadata__").get("format").asText());
        assertEquals("dckd", header.get("__metadata__").get("source").asText());
        Map<String, String> names = Map.of("f32", "F32", "f64", "F64", "f16", "F16", "bf16", "BF16", "i64", "I64",
                "i32", "I32", "i16", "I16", "i8", "I8", "u8", "U8", "bool", "BOOL");
        names.forEach((key, dtype) -> assertEquals(dtype, header.get(key).get("dtype").asText(), key));
        long expectedBegin = 0;
        List<String> keys = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            keys.add(e.getKey());
            Tensor t = sd.get(e.getKey());
            JsonNode shape = e.getValue().get("shape");
            assertEquals(t.shape().length, shape.size(), e.getKey());
            JsonNode offsets = e.getValue().get("data_offsets");
            assertEquals(expectedBegin, offsets.get(0).asLong(), e.getKey());
            long end = offsets.get(1).asLong();
            assertEquals(t.numel() * t.dataType().getNumOfBytes(), end - expectedBegin, e.getKey());
            byte[] stored = java.util.Arrays.copyOfRange(all, (int) (8 + n + expectedBegin), (int) (8 + n + end));
            assertArrayEquals(t.toByteArray(), stored, e.getKey());
            expectedBegin = end;
        }
        assertEquals(List.copyOf(sd.keys()), keys);
        assertEquals(all.length, 8 + n + expectedBegin, "no bytes after the last tensor");
        assertEquals("[]", header.get("scalar").get("shape").toString());
        assertEquals("[0,4]", header.get("empty").get("shape").toString());
    }

    @Test
    void existingFilesAreKeptUnlessReplacementIsRequested() throws IOException {
        StateDict sd = allDtypes();
        Path file = dir.resolve("model.safetensors");
        Files.writeString(file, "precious");

        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> Checkpoints.writeSafetensors(sd, file));
        assertTrue(e.getMessage().contains("REPLACE_EXISTING"), e.getMessage());
        assertEquals("precious", Files.readString(file));

        Checkpoints.writeSafetensors(sd, file, StandardCopyOption.REPLACE_EXISTING);
        assertEquals(sd.size(), Checkpoints.read(file).size());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary files are left behind");
        }
    }

    @Test
    void npzRoundTripAndNumpyCompatibility() throws IOException {
        StateDict sd = allDtypes().filter(k -> !k.equals("bf16"));
        Path file = dir.resolve("all.npz");

        Checkpoints.writeNpz(sd, file);
        StateDict back = Checkpoints.read(file);

        assertEquals(CheckpointFormat.NPZ, Checkpoints.detectFormat(file));
        assertEquals(List.copyOf(sd.keys()), List.copyOf(back.keys()));
        for (String key : sd.keys()) {
            assertTrue(sd.get(key).contentEquals(back.get(key)), key);
        }
        // DJL's own npz decoder reads what we wrote (int16 is left out: creating it aborts DJL's PyTorch engine)
        Path djlFile = dir.resolve("djl.npz");
        Checkpoints.writeNpz(sd.filter(k -> !k.equals("i16")), djlFile);
        try (NDManager manager = NDManager.newBaseManager(); InputStream in = Files.newInputStream(djlFile)) {
            NDList list = NDList.decode(manager, in);
            NDArray f32 = list.get("f32");
            assertArrayEquals(sd.get("f32").toFloatArray(), f32.toFloatArray());
            assertEquals(DataType.INT64, list.get("i64").getDataType());
            assertEquals(DataType.BOOLEAN, list.get("bool").getDataType());
            assertEquals(sd.size() - 1, list.size());
        }
    }

    @Test
    void npzRefusesBfloat16() throws IOException {
        StateDict sd = allDtypes();
        Path file = dir.resolve("bf16.npz");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.writeNpz(sd, file));
        assertEquals(CheckpointException.Reason.WRITE_REFUSED, e.reason());
        assertTrue(e.getMessage().contains("'bf16'") && e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(Files.notExists(file));
    }

    @Test
    void npzReaderHandlesCompressedAndFortranOrder() throws IOException {
        // written by numpy: savez_compressed(a=arange(6, dtype='>i4').reshape(2, 3), b=asfortranarray(...f8))
        StateDict sd = Checkpoints.read(Fixtures.resource("numpy_compressed.npz"));
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5}, sd.get("a").toDoubleArray());
        assertEquals(DataType.INT32, sd.get("a").dataType());
        assertArrayEquals(new long[] {2, 3}, sd.get("b").shape());
        assertArrayEquals(new double[] {0, 0.5, 1, 1.5, 2, 2.5}, sd.get("b").toDoubleArray());
    }
}
