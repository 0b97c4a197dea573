package org.dckd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

        /** Children with the given names (DJL prefixes each with its ordinal). */
        Wide(String... names) {
            for (String name : names) {
                addChildBlock(name, new Leaf());
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

    /**
     * A DJL SequentialBlock names its children after their class ({@code 01Conv2d}, {@code 03Conv2d}): without the
     * ordinals the three convolutions collapsed to one key and only the last was saved and trained. They are numbered
     * as PyTorch's nn.Sequential numbers them.
     */
    @Test
    void sequentialChildrenAreNumberedLikeNnSequentialSoNoParameterIsLost() {
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            ai.djl.nn.SequentialBlock net = new ai.djl.nn.SequentialBlock()
                    .add(ai.djl.nn.convolutional.Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(
                            new Shape(1, 1)).setFilters(8).build())
                    .add(ai.djl.nn.Activation::relu)
                    .add(ai.djl.nn.convolutional.Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(
                            new Shape(1, 1)).setFilters(8).build())
                    .add(ai.djl.nn.Activation::relu)
                    .add(ai.djl.nn.convolutional.Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(
                            new Shape(1, 1)).setFilters(3).build());
            net.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 3, 8, 8));
            assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"),
                    new ArrayList<>(TorchModule.parameters(net).keySet()));
            assertEquals(6, org.dckd.checkpoint.StateDict.of(net).tensors().size());
        }
    }

    /** Children that would share a name are refused with the names, never merged. */
    @Test
    void childrenThatWouldShareANameAreRefused() {
        AbstractBlock twins = new Wide("conv", "conv");
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> TorchModule.parameters(twins));
        assertTrue(e.getMessage().contains("two children named 'conv'") && e.getMessage().contains("01conv")
                && e.getMessage().contains("02conv"), e.getMessage());
    }
}
