package org.dckd.nn.complexity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

import org.dckd.nn.BilinearResize;
import org.dckd.nn.CountedConv2d;
import org.dckd.nn.CountedLinear;
import org.dckd.nn.ModuleActivation;
import org.dckd.nn.TorchConv2d;
import org.junit.jupiter.api.Test;

/** The counting scope and what each counted layer reports, with figures worked out by hand in each test. */
class ComplexityCounterTest {

    @Test
    void aGroupedConvolutionCountsWeightNumelPerOutputPixelOnEveryCall() {
        try (NDManager m = NDManager.newBaseManager()) {
            CountedConv2d conv = CountedConv2d.of(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(8)
                    .optGroups(2).optPadding(new Shape(1, 1)));
            Shape in = new Shape(1, 4, 5, 7);
            conv.initialize(m, DataType.FLOAT32, in);
            NDArray x = m.zeros(in);
            OperationCounts c;
            try (ComplexityCounter counter = ComplexityCounter.start()) {
                conv.forward(new ParameterStore(m, false), new NDList(x), false);
                conv.forward(new ParameterStore(m, false), new NDList(x), false);
                c = counter.counts();
            }
            // weight (8, 4/2, 3, 3): 144 MACs per output pixel, 35 pixels, two calls
            assertEquals(2 * 144 * 35, c.convMacs());
            assertEquals(2, c.numConv());
            assertEquals(2 * 8 * 35, c.activations());
            assertEquals(Map.of("Conv2d", 2L * 144 * 35), c.flopsByModuleType());
            assertEquals(c.convMacs(), c.ntireFlops());
            assertEquals(c.convMacs(), c.fvcoreEquivalentFlops());
        }
    }

    @Test
    void nothingIsCountedOutsideAScopeAndAfterItCloses() {
        try (NDManager m = NDManager.newBaseManager()) {
            TorchConv2d conv = TorchConv2d.same(3, 4, 3);
            Shape in = new Shape(1, 3, 6, 6);
            conv.initialize(m, DataType.FLOAT32, in);
            conv.apply(new ParameterStore(m, false), m.zeros(in), false);
            ComplexityCounter counter = ComplexityCounter.start();
            assertTrue(ComplexityCounter.isCounting());
            counter.close();
            conv.apply(new ParameterStore(m, false), m.zeros(in), false);
            assertFalse(ComplexityCounter.isCounting());
            assertEquals(0, counter.counts().numConv());
            // TorchConv2d.apply is counted while a scope is open: 3*3*3*4 = 108 MACs x 36 pixels
            try (ComplexityCounter open = ComplexityCounter.start()) {
                conv.apply(new ParameterStore(m, false), m.zeros(in), false);
                assertEquals(108 * 36, open.counts().convMacs());
                assertEquals(4 * 36, open.counts().activations());
            }
        }
    }

    @Test
    void aNetworkWithAnUncountedDjlConvolutionIsRefusedNamingIt() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialBlock net = new SequentialBlock()
                    .add(TorchConv2d.same(3, 4, 3))
                    .add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(2).build());
            Shape in = new Shape(1, 3, 4, 4);
            net.initialize(m, DataType.FLOAT32, in);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ComplexityCounter.countForward(net, m, in));
            assertTrue(e.getMessage().contains("02Conv2d") && e.getMessage().contains("CountedConv2d"),
                    e.getMessage());
            assertFalse(ComplexityCounter.isCounting());
        }
    }

    @Test
    void countForwardCountsAWholeNetworkOfCountedLayers() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialBlock net = new SequentialBlock()
                    .add(TorchConv2d.same(3, 4, 3))
                    .add(x -> new NDList(ModuleActivation.relu(x.singletonOrThrow())))
                    .add(CountedConv2d.of(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(2)));
            Shape in = new Shape(1, 3, 4, 4);
            net.initialize(m, DataType.FLOAT32, in);
            OperationCounts c = ComplexityCounter.countForward(net, m, in);
            // 16 pixels: 3*4*9 = 108 and 4*2 = 8 MACs per pixel; ReLU on 4 x 16 elements
            assertEquals(16 * (108 + 8), c.convMacs());
            assertEquals(2, c.numConv());
            assertEquals(16 * (4 + 2), c.activations());
            assertEquals(16 * (108 + 8) + 64, c.ntireFlops());
        }
    }

    @Test
    void scopesDoNotNest() {
        try (ComplexityCounter outer = ComplexityCounter.start()) {
            assertThrows(IllegalStateException.class, ComplexityCounter::start);
        }
        try (ComplexityCounter again = ComplexityCounter.start()) {
            assertTrue(ComplexityCounter.isCounting());
        }
    }

    @Test
    void onlyModuleActivationsCountAndBilinearLinearMatMulGoToFvcore() {
        try (NDManager m = NDManager.newBaseManager()) {
            CountedLinear linear = CountedLinear.of(Linear.builder().setUnits(3));
            linear.initialize(m, DataType.FLOAT32, new Shape(2, 5, 7));
            OperationCounts c;
            try (ComplexityCounter counter = ComplexityCounter.start()) {
                NDArray x = m.zeros(new Shape(1, 2, 4, 5));
                ModuleActivation.leakyRelu(x, 0.05f);                 // 40
                ModuleActivation.relu(x);                             // 40
                Activation.leakyRelu(x, 0.05f);                       // functional: nothing
                BilinearResize.upsample(x, 8, 10);                    // 2 * 8 * 10 = 160 elements
                NDArray a = m.zeros(new Shape(2, 3, 4, 5));
                NDArray b = m.zeros(new Shape(3, 5, 6));
                ComplexityCounter.recordMatMul(a, b);                 // batch 2 x 3, 4 x 5 x 6: 720
                linear.forward(new ParameterStore(m, false), new NDList(m.zeros(new Shape(2, 5, 7))), false);
                c = counter.counts();                                 // linear: 7 x (2 * 5 * 3) = 210
            }
            assertEquals(Map.of("LeakyReLU", 40L, "ReLU", 40L), c.activationModuleElements());
            assertEquals(160, c.bilinearOutputElements());
            assertEquals(720, c.matMulMacs());
            assertEquals(210, c.linearMacs());
            assertEquals(40 + 40 + 210, c.ntireFlops());
            assertEquals(210 + 4 * 160 + 720, c.fvcoreEquivalentFlops());
            assertEquals(0, c.numConv());
        }
    }

    @Test
    void matMulMacsBroadcastTheBatchAxesAndCheckTheInnerSize() {
        assertEquals(7 * 4 * 5 * 6, ComplexityCounter.matMulMacs(new Shape(7, 4, 5), new Shape(5, 6)));
        assertEquals(4 * 5 * 6, ComplexityCounter.matMulMacs(new Shape(4, 5), new Shape(5, 6)));
        assertThrows(IllegalArgumentException.class,
                () -> ComplexityCounter.matMulMacs(new Shape(4, 5), new Shape(4, 6)));
    }

    @Test
    void batchNormCountsTwicePerElementWhenAffine() {
        try (NDManager m = NDManager.newBaseManager();
                ComplexityCounter counter = ComplexityCounter.start()) {
            NDArray y = m.zeros(new Shape(1, 3, 2, 2));
            ComplexityCounter.recordBatchNorm(true, y);
            ComplexityCounter.recordBatchNorm(false, y);
            assertEquals(24 + 12, counter.counts().batchNormFlops());
            assertEquals(Map.of("BatchNorm2d", 36L), counter.counts().flopsByModuleType());
        }
    }
}
