package org.dckd.data.files;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputLocationsTest {

    @Test
    void anOutputThatIsContainsOrLiesInsideAnInputIsRefusedNamingBoth(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        for (Path out : List.of(data, dir, data.resolve("sub/x.png"), dir.resolve("data/../data"))) {
            UnsafeOutputException e = assertThrows(UnsafeOutputException.class,
                    () -> OutputLocations.of("--out", out).input("--hr", data).check());
            assertTrue(e.getMessage().contains("--out " + out) && e.getMessage().contains("--hr " + data),
                    e.getMessage());
        }
        assertTrue(assertThrows(UnsafeOutputException.class, () -> OutputLocations.of("--out", data)
                .input("--hr", data).check()).getMessage().contains(" is the input "));
        assertTrue(assertThrows(UnsafeOutputException.class, () -> OutputLocations.of("--out", dir)
                .input("--hr", data).check()).getMessage().contains(" contains the input "));
        assertTrue(assertThrows(UnsafeOutputException.class, () -> OutputLocations.of("--out", data.resolve("LR"))
                .input("--hr", data).check()).getMessage().contains(" lies inside the input "));
        // siblings and prefixes of names are not inside
        assertDoesNotThrow(() -> OutputLocations.of("--out", dir.resolve("data_LR")).input("--hr", data).check());
        assertDoesNotThrow(() -> OutputLocations.of("--out", dir.resolve("out")).input("--hr", data)
                .input("--weights", null).check());
    }

    @Test
    void symbolicLinksAreFollowed(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), data);
        assertThrows(UnsafeOutputException.class, () -> OutputLocations.of("--out", link).input("--hr", data).check());
        assertThrows(UnsafeOutputException.class,
                () -> OutputLocations.of("--out", link.resolve("new/x")).input("--hr", data).check());
        assertTrue(OutputLocations.sameLocation(link, data));
    }

    @Test
    void twoInputsWrittenToOneNameOrAnOutputOverAnInputAreRefused(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path out = dir.resolve("out");
        List<Path> inputs = List.of(in.resolve("a.png"), in.resolve("a.jpg"), in.resolve("b.png"));
        UnsafeOutputException e = assertThrows(UnsafeOutputException.class,
                () -> OutputLocations.distinctTargets(inputs, p -> out.resolve(stem(p) + "_x4.png")));
        assertTrue(e.getMessage().contains("a.png") && e.getMessage().contains("a.jpg")
                && e.getMessage().contains("a_x4.png"), e.getMessage());
        List<Path> ok = OutputLocations.distinctTargets(List.of(inputs.get(0), inputs.get(2)),
                p -> out.resolve(stem(p) + "_x4.png"));
        assertEquals(List.of(out.resolve("a_x4.png"), out.resolve("b_x4.png")), ok);
        // an input named like another input's output, in the same folder
        List<Path> clash = List.of(in.resolve("a.png"), in.resolve("a_x4.png"));
        assertThrows(UnsafeOutputException.class,
                () -> OutputLocations.distinctTargets(clash, p -> in.resolve(stem(p) + "_x4.png")));
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        return n.substring(0, n.lastIndexOf('.'));
    }
}
