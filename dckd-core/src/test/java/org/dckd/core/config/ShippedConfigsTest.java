package org.dckd.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.dckd.backbones.BackboneConfig;
import org.dckd.backbones.SrBackbone;
import org.dckd.config.ConfigException;
import org.dckd.core.experiment.DataSources;
import org.dckd.losses.LossTermConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every config under configs/ is valid: strict parsing, networks, loss terms and data sections build. */
class ShippedConfigsTest {

    static Stream<Path> configs() throws Exception {
        Path root = Path.of("..", "configs");
        try (Stream<Path> s = Files.walk(root)) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertFalse(files.isEmpty(), "no configs found under " + root.toAbsolutePath());
            return files.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void parsesAndBuilds(Path file) throws Exception {
        if (Files.readString(file).contains("type: vqgan") && !Files.exists(Path.of("weights"))) {
            // the paper recipes need the user's 1 GB VQGAN checkpoint: without it they must fail at load time, naming it
            ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(file, List.of()));
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("losses[2].encoder")
                    && e.getMessage().contains("last.ckpt") && e.getMessage().contains("taming-transformers"),
                    e.getMessage());
            return;
        }
        ExperimentConfig cfg = ExperimentConfig.load(file, List.of()).config();
        assertTrue(file.getFileName().toString().startsWith(cfg.name()), "name matches the file: " + cfg.name());
        BackboneConfig student = cfg.studentBackbone();
        SrBackbone net = student.build();
        assertEquals(cfg.scale(), net.scale());
        if (cfg.teacher() != null) {
            assertEquals(cfg.scale(), cfg.teacherBackbone().build().scale());
        }
        for (LossTermConfig t : cfg.losses()) {
            t.build().close();
        }
        if (cfg.data() instanceof DataConfig.Sources) {
            assertEquals(cfg.scale(), DataSources.trainingData(cfg).scale());
        }
    }
}
