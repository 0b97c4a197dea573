package org.dckd.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;

import org.dckd.backbones.BlockNetwork;
import org.dckd.backbones.SrBackbone;
import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.Tensor;
import org.dckd.checkpoint.WeightLoader;
import org.dckd.core.distill.StepResult;
import org.dckd.losses.LossTerm;
import org.dckd.losses.dckd.Dckd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every example runs, does what its Javadoc says, and the README shows its code unchanged. */
class ExamplesTest {

    private static final Path SOURCES = Path.of("src/main/java/org/dckd/examples");
    private static final Path README = Path.of("../README.md");

    private static List<String> dckdTermNames() {
        List<String> names = new ArrayList<>();
        for (LossTerm t : Dckd.defaults().optNegatives(2).build()) {
            names.add(t.name());
        }
        return names;
    }

    @Test
    void ownBlockStudentDistilsWithEveryDckdTerm() throws IOException {
        StepResult last = OwnBlockStudent.train(3);
        assertEquals(3, last.iteration());
        assertTrue(Float.isFinite(last.loss()) && last.loss() > 0, "loss " + last.loss());
        assertEquals(dckdTermNames(), List.copyOf(last.terms().keySet()));
        last.terms().forEach((k, v) -> assertTrue(Float.isFinite(v), k + " = " + v));
    }

    @Test
    void djlTrainerReportsTheLossAndEveryTerm() throws Exception {
        Map<String, Float> evaluations = DjlTrainerDistillation.fit(1);
        assertTrue(Float.isFinite(evaluations.get("train_loss")), evaluations.toString());
        for (String term : dckdTermNames()) {
            Float v = evaluations.get("train_" + term);
            assertTrue(v != null && Float.isFinite(v), term + " in " + evaluations);
        }
    }

    /**
     * The saved student reads back bit for bit with the keys of {@code nn.Sequential}, and the weights loaded into a
     * new student give the same outputs. With {@code -Ddckd.examples.out=DIR} the files and a probe (input and Java
     * output) stay in DIR for {@code tools/reference/check_saved_student.py}.
     */
    @Test
    void saveForPyTorchWritesWhatTorchLoadReads(@TempDir Path tmp) throws IOException {
        String keep = System.getProperty("dckd.examples.out");
        Path dir = keep == null ? tmp : Files.createDirectories(Path.of(keep));
        Path file = dir.resolve("student.pth");
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir.resolve("student.pth.safetensors"));
        StateDict written = SaveForPyTorch.save(file);
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"),
                List.copyOf(written.keys()));
        StateDict read = Checkpoints.read(file);
        assertEquals(List.copyOf(written.keys()), List.copyOf(read.keys()));
        written.tensors().forEach((k, v) -> assertTrue(v.contentEquals(read.get(k)), k));
        StateDict safetensors = Checkpoints.read(dir.resolve("student.pth.safetensors"));
        written.tensors().forEach((k, v) -> assertTrue(v.contentEquals(safetensors.get(k)), k));

        try (NDManager m = NDManager.newBaseManager()) {
            SrBackbone copy = BlockNetwork.builder().setFactory(OwnBlockStudent::network).setScale(2).build();
            copy.initialize(m);
            Map<String, Tensor> prefixed = new LinkedHashMap<>();
            read.tensors().forEach((k, v) -> prefixed.put("net." + k, v));
            WeightLoader.load(copy, new StateDict(prefixed, file));
            NDArray x = m.randomUniform(0, 1, new ai.djl.ndarray.types.Shape(1, 3, 16, 16));
            NDArray y = copy.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
            assertEquals(new ai.djl.ndarray.types.Shape(1, 3, 32, 32), y.getShape());
            if (keep != null) {
                Map<String, Tensor> probe = new LinkedHashMap<>();
                probe.put("input", Tensor.of(x));
                probe.put("output", Tensor.of(y));
                Path npz = dir.resolve("probe.npz");
                Files.deleteIfExists(npz);
                Checkpoints.writeNpz(new StateDict(probe, npz), npz);
            }
        }
    }

    @Test
    void theReadmeShowsTheExamplesCode() throws IOException {
        String readme = Files.readString(README);
        int regions = 0;
        for (String file : List.of("OwnBlockStudent.java", "DjlTrainerDistillation.java", "SaveForPyTorch.java")) {
            List<String> lines = Files.readAllLines(SOURCES.resolve(file));
            StringBuilder region = null;
            for (String line : lines) {
                if (line.strip().startsWith("// [readme:end]")) {
                    assertTrue(readme.contains(region.toString()), "README.md does not show this part of " + file
                            + " unchanged:\n" + region);
                    regions++;
                    region = null;
                } else if (line.strip().startsWith("// [readme:")) {
                    region = new StringBuilder();
                } else if (region != null) {
                    region.append(line.startsWith("    ") ? line.substring(4) : line).append('\n');
                }
            }
        }
        assertEquals(3, regions);
    }
}
