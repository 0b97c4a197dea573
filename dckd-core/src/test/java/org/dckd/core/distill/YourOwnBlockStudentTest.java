package org.dckd.core.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.EasyTrain;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.util.PairList;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.dckd.backbones.BlockNetwork;
import org.dckd.backbones.SrBackbone;
import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.Tensor;
import org.dckd.checkpoint.WeightLoader;
import org.dckd.config.ConfigReader;
import org.dckd.losses.LossTerm;
import org.dckd.losses.LossTermConfig;
import org.dckd.losses.catalog.LossTerms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain DJL blocks as students: a {@link SequentialBlock} and a hand-written {@link AbstractBlock}, wrapped by
 * {@link BlockNetwork}, distilled with the EMA and DCKD's history model, by {@link Distiller#step} and by a DJL
 * {@code Trainer} ({@link DjlDistillation}). Every parameter trains, every tensor is saved
 * and loads back (a SequentialBlock's six parameters once collapsed to two state-dict keys, so only the last
 * convolution was trained and saved).
 */
class YourOwnBlockStudentTest {

    /** {@code (N, 3 s^2, H, W) -> (N, 3, sH, sW)}, as PyTorch's PixelShuffle. */
    static Block pixelShuffle(int s) {
        return new LambdaBlock(in -> {
            NDArray x = in.singletonOrThrow();
            long n = x.getShape().get(0);
            long h = x.getShape().get(2);
            long w = x.getShape().get(3);
            return new NDList(x.reshape(n, 3, s, s, h, w).transpose(0, 1, 4, 2, 5, 3).reshape(n, 3, h * s, w * s));
        });
    }

    static Conv2d conv(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters).build();
    }

    static Block sequential() {
        return new SequentialBlock().add(conv(16)).add(Activation::relu).add(conv(16)).add(Activation::relu)
                .add(conv(12)).add(pixelShuffle(2));
    }

    /** A student written by hand: two named convolutions around a residual ReLU, then a pixel shuffle. */
    static final class HandWritten extends AbstractBlock {
        private final Block head = addChildBlock("head", conv(16));
        private final Block body = addChildBlock("body", conv(16));
        private final Block tail = addChildBlock("tail", conv(12));
        private final Block shuffle = addChildBlock("shuffle", pixelShuffle(2));

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
            NDArray h = head.forward(ps, in, training).singletonOrThrow();
            NDArray b = body.forward(ps, new NDList(Activation.relu(h)), training).singletonOrThrow().add(h);
            return shuffle.forward(ps, tail.forward(ps, new NDList(b), training), training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            Shape s = inputShapes[0];
            return new Shape[] {new Shape(s.get(0), 3, s.get(2) * 2, s.get(3) * 2)};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            head.initialize(manager, dataType, inputShapes);
            Shape features = new Shape(inputShapes[0].get(0), 16, inputShapes[0].get(2), inputShapes[0].get(3));
            body.initialize(manager, dataType, features);
            tail.initialize(manager, dataType, features);
            shuffle.initialize(manager, dataType, new Shape(features.get(0), 12, features.get(2), features.get(3)));
        }
    }

    /** L1 to HR and to the teacher, and DCR (its history model is another instance of the student). */
    static List<LossTerm> terms() {
        String yaml = """
                losses:
                  - {type: l1}
                  - {type: l1, target: teacher, weight: 0.5}
                  - {type: dcr, weight: 0.1, negatives: 2, history: {steps: [2]}}
                """;
        ObjectMapper mapper = LossTerms.registerWith(ConfigReader.yamlMapper());
        List<LossTerm> out = new ArrayList<>();
        try {
            for (com.fasterxml.jackson.databind.JsonNode t : mapper.readTree(yaml).get("losses")) {
                out.add(ConfigReader.convert(mapper, t, LossTermConfig.class, "terms").build());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Four steps of the distiller: its own {@code step}, or a DJL {@code Trainer} through {@link DjlDistillation}. */
    private static void train(Distiller d, NDManager m, boolean viaTrainer) throws Exception {
        List<NDArray[]> batches = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            batches.add(TinyNetworks.batch(m, 100 + i, 32));
        }
        if (!viaTrainer) {
            for (NDArray[] b : batches) {
                assertTrue(Float.isFinite(d.step(b[0], b[1]).loss()));
            }
            return;
        }
        DjlDistillation kd = DjlDistillation.of(d);
        try (Model model = Model.newInstance("student")) {
            model.setBlock(kd.block());
            try (Trainer trainer = model.newTrainer(kd.trainingConfig())) {
                EasyTrain.fit(trainer, 1, DjlDistillationTest.dataset(batches), null);
                assertTrue(Float.isFinite(trainer.getTrainingResult().getTrainLoss()));
            }
        }
        assertEquals(4, d.iteration());
    }

    private static void trainsEveryParameterAndRoundTrips(Supplier<Block> factory, int expectedTensors, Path dir,
            boolean viaTrainer) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            SrBackbone teacher = TinyNetworks.rlfn(m, 16, 1f, 1);
            ai.djl.engine.Engine.getInstance().setRandomSeed(4);
            SrBackbone student = BlockNetwork.builder().setFactory(factory).setScale(2).build();
            student.initialize(m);
            Map<String, Tensor> before = StateDict.of(student).tensors();
            assertEquals(expectedTensors, before.size(), "every parameter has its own key: " + before.keySet());
            try (Distiller d = Distiller.builder().setManager(m).setStudent(student).optTeacher(teacher)
                    .addTerms(terms()).optLearningRate(5e-3).optEmaDecay(0.9f).optSeed(3).build()) {
                train(d, m, viaTrainer);
                Map<String, Tensor> after = StateDict.of(student).tensors();
                before.forEach((k, v) -> assertFalse(v.contentEquals(after.get(k)), k + " did not train"));
                // the EMA is its own instance: it moved, but is not the student
                Map<String, Tensor> ema = StateDict.of(d.studentEma()).tensors();
                assertEquals(after.keySet(), ema.keySet());
                assertFalse(ema.values().iterator().next().contentEquals(after.values().iterator().next()));

                // saved and loaded into a new instance: the same outputs, bit for bit
                Path file = dir.resolve(expectedTensors + ".safetensors");
                Checkpoints.writeSafetensors(StateDict.of(student), file);
                SrBackbone copy = student.newInstance();
                copy.initialize(m);
                WeightLoader.load(copy, Checkpoints.read(file));
                NDArray x = TinyNetworks.batch(m, 7, 32)[0];
                ParameterStore ps = new ParameterStore(m, false);
                assertArrayEquals(student.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray(),
                        copy.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray());
            }
        }
    }

    @ParameterizedTest(name = "via DJL Trainer: {0}")
    @ValueSource(booleans = {false, true})
    void aSequentialBlockStudentTrainsEveryParameter(boolean viaTrainer, @TempDir Path dir) throws Exception {
        trainsEveryParameterAndRoundTrips(YourOwnBlockStudentTest::sequential, 6, dir, viaTrainer);
    }

    @ParameterizedTest(name = "via DJL Trainer: {0}")
    @ValueSource(booleans = {false, true})
    void aHandWrittenBlockStudentTrainsEveryParameter(boolean viaTrainer, @TempDir Path dir) throws Exception {
        trainsEveryParameterAndRoundTrips(HandWritten::new, 6, dir, viaTrainer);
    }

    @Test
    void aWrappedBlockWithoutFactoryCannotMakeTheEmaAndSaysHow() {
        try (NDManager m = NDManager.newBaseManager()) {
            SrBackbone student = BlockNetwork.builder().setBlock(sequential()).setScale(2).build();
            student.initialize(m);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Distiller.builder().setManager(m).setStudent(student).addTerm(TestTerms.l1ToHr()).build());
            assertTrue(e.getMessage().contains("setFactory") && e.getMessage().contains("optEmaDecay(0)"),
                    e.getMessage());
            // without EMA it trains
            try (Distiller d = Distiller.builder().setManager(m).setStudent(student).addTerm(TestTerms.l1ToHr())
                    .optEmaDecay(0).build()) {
                NDArray[] b = TinyNetworks.batch(m, 1, 32);
                assertTrue(Float.isFinite(d.step(b[0], b[1]).loss()));
            }
            // a factory that hands out the same block twice would share the student's parameters with the EMA
            Block one = sequential();
            SrBackbone shared = BlockNetwork.builder().setFactory(() -> one).setScale(2).build();
            assertThrows(IllegalStateException.class, shared::newInstance);
        }
    }
}
