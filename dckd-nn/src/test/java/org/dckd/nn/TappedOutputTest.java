package org.dckd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

class TappedOutputTest {

    @Test
    void tappedOutputNamesUnknownTaps() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.zeros(new Shape(1));
            TappedOutput t = new TappedOutput(a, Map.of("head", a));
            assertEquals(a, t.feature("head"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.feature("block_9"));
            assertTrue(e.getMessage().contains("head"), e.getMessage());
        }
    }
}
