package org.dckd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.junit.jupiter.api.Test;

class TorchModuleTest {

    /** A block with many children, as a flat layout or a long nn.Sequential has. */
    static final class Wide extends AbstractBlock {
        Wide(int n) {
            for (int i = 0; i < n; i++) {
                addChildBlock(String.valueOf(i), new Leaf());
            }
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
            return in;
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }
    }

    static final class Leaf extends AbstractBlock {
        Leaf() {
            addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(1)).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
            return in;
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }
    }

    @Test
    void childOrdinalsBeyond99AreStrippedByPosition() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            expected.add(i + ".weight");
        }
        assertEquals(expected, new ArrayList<>(TorchModule.parameters(new Wide(120)).keySet()));
    }

    @Test
    void twoDigitNamesStillWork() {
        assertEquals("block_1", TorchModule.torchName("03block_1"));
        assertEquals("0", TorchModule.torchName("010"));
        assertEquals("5", TorchModule.torchName("1005", 100));
    }
}
