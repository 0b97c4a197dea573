package org.dckd.data.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Meta-info files, checksum files and LR file-name patterns. */
class PrepareFilesTest {

    @TempDir
    Path dir;

    @Test
    void metaInfoReadsBasicSrLinesAndNamesOnly() throws IOException {
        Path f = Files.writeString(dir.resolve("meta.txt"), "0001_s001.png (480,480,3)\n\n0001_s002.png\n"
                + "sub/0002.png (10, 20,3)\n");
        MetaInfo m = MetaInfo.read(f);
        assertEquals(List.of(new MetaInfo.Entry("0001_s001.png", 480, 480, 3), new MetaInfo.Entry("0001_s002.png", 0,
                0, 0), new MetaInfo.Entry("sub/0002.png", 10, 20, 3)), m.entries());
        m.write(dir.resolve("copy.txt"));
        assertEquals(m, MetaInfo.read(dir.resolve("copy.txt")));
        Files.writeString(f, "a.png\nb.png (1,2)\n");
        IOException e = assertThrows(IOException.class, () -> MetaInfo.read(f));
        assertTrue(e.getMessage().contains(f + " line 2"), e.getMessage());
        Files.writeString(f, "../a.png\n");
        assertTrue(assertThrows(IOException.class, () -> MetaInfo.read(f)).getMessage().contains("not a file name"));
    }

    @Test
    void checksumFilesInGnuAndBsdStyle() throws IOException {
        String a = "ab".repeat(32);
        String b = "CD".repeat(32);
        Path f = Files.writeString(dir.resolve("sums"), "# comment\n" + a + "  dl/x.zip\n" + b + " *y.zip\n"
                + "SHA256 (z.zip) = " + a + "\n");
        Sha256Sums s = Sha256Sums.read(f);
        assertEquals(Map.of("x.zip", a, "y.zip", b.toLowerCase(), "z.zip", a), s.asMap());
        Files.writeString(f, a + "  x.zip\nnonsense\n");
        assertTrue(assertThrows(IOException.class, () -> Sha256Sums.read(f)).getMessage().contains("line 2"));
        Files.writeString(f, a + "  x.zip\n" + b + "  x.zip\n");
        assertTrue(assertThrows(IOException.class, () -> Sha256Sums.read(f)).getMessage().contains("twice"));
        Path data = Files.writeString(dir.resolve("abc"), "abc");
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                Sha256Sums.compute(data, ProgressListener.NONE));
    }

    @Test
    void fileNamePatterns() {
        assertEquals("0001x4.png", FileNamePattern.STANDARD.apply("0001.png", 4));
        assertEquals("0001_s001.png", FileNamePattern.SAME_NAME.apply("0001_s001.png", 4));
        assertEquals("a.b_x2.jpg", new FileNamePattern("{name}_x{scale}.{ext}").apply("a.b.jpg", 2));
        assertThrows(IllegalArgumentException.class, () -> new FileNamePattern("x{scale}.png"));
        assertThrows(IllegalArgumentException.class, () -> new FileNamePattern("{name}{sclae}.png"));
        assertThrows(IllegalArgumentException.class, () -> new FileNamePattern("../{name}.png"));
    }
}
