package org.dckd.data.resize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dckd.data.image.Image;
import org.dckd.data.image.ImageFiles;
import org.dckd.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MatlabBicubicTest {

    /** Every (set, image, scale) of the shipped Set5 + Set14 LR_bicubic files: 19 images x 3 scales. */
    static Stream<Arguments> shippedPairs() {
        List<Arguments> cases = new ArrayList<>();
        for (String set : new String[] {"Set5", "Set14"}) {
            for (String name : names(set)) {
                for (int s = 2; s <= 4; s++) {
                    cases.add(Arguments.of(set, name, s));
                }
            }
        }
        return cases.stream();
    }

    private static List<String> names(String set) {
        // fixed lists, so that a missing shared folder skips/fails per case instead of producing no cases
        return "Set5".equals(set)
                ? List.of("baby", "bird", "butterfly", "head", "woman")
                : List.of("baboon", "barbara", "bridge", "coastguard", "comic", "face", "flowers", "foreman",
                        "lenna", "man", "monarch", "pepper", "ppt3", "zebra");
    }

    @ParameterizedTest(name = "{0}/{1} x{2}")
    @MethodSource("shippedPairs")
    void downscaleIsBitExactAgainstShippedLr(String set, String name, int scale) throws IOException {
        Path hrFile = SharedData.require("data/benchmarks/" + set + "/HR/" + name + ".png");
        Path lrFile = SharedData.require("data/benchmarks/" + set + "/LR_bicubic/X" + scale + "/" + name + "x"
                + scale + ".png");
        Image hr = ImageFiles.read(hrFile).modcrop(scale);
        Image expected = ImageFiles.read(lrFile);
        Image actual = MatlabBicubic.downscale(hr, scale);
        assertEquals(expected.width(), actual.width(), "width");
        assertEquals(expected.height(), actual.height(), "height");
        assertEquals(0, countDifferences(expected, actual), "differing values vs " + lrFile);
    }

    @Test
    void floatVariantDiffersFromShippedLr() throws IOException {
        // proves the bit-exact test is sensitive: the BasicSR-style float pipeline is close but not equal
        Image hr = ImageFiles.read(SharedData.require("data/benchmarks/Set5/HR/butterfly.png")).modcrop(4);
        Image expected = ImageFiles.read(SharedData.require("data/benchmarks/Set5/LR_bicubic/X4/butterflyx4.png"));
        Image floatLr = MatlabBicubic.resize(hr, 1.0 / 4).quantized();
        int diff = countDifferences(expected, floatLr);
        assertTrue(diff > 0, "float variant should differ somewhere");
        assertTrue(diff < expected.size() / 2, "float variant should still be close, differs in " + diff);
        assertEquals(0, countDifferences(expected, MatlabBicubic.resizeUint8(hr, 1.0 / 4)));
    }

    static int countDifferences(Image a, Image b) {
        assertEquals(a.width(), b.width());
        assertEquals(a.height(), b.height());
        float[] x = a.toChw();
        float[] y = b.toChw();
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] != y[i]) {
                n++;
            }
        }
        return n;
    }
}
