package org.dckd.core.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.dckd.backbones.BackboneConfig;
import org.dckd.config.ConfigException;
import org.dckd.core.config.DataConfig;
import org.dckd.core.config.ExperimentConfig;
import org.dckd.core.config.OptimizerType;
import org.dckd.losses.catalog.LossTerms;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data section, the networks and the optimizer type are typed at load time; a bad key names its path. */
class TypedConfigTest {

    @BeforeAll
    static void registerTestTerm() {
        LossTerms.register("test_l1", TestL1Config.class);
    }

    private static String failure(Path file, String... set) {
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(file, List.of(set)));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        return e.getMessage();
    }

    @Test
    void sectionsAreTyped(@TempDir Path dir) throws Exception {
        Path file = TinyExperiment.write(dir, 1, 3, 3);
        ExperimentConfig cfg = ExperimentConfig.load(file, List.of()).config();
        DataConfig.Procedural p = assertInstanceOf(DataConfig.Procedural.class, cfg.data());
        assertEquals(new DataConfig.Procedural(4, 64, 16, 2), p);
        BackboneConfig student = cfg.student().network();
        assertEquals(2, student.scale(), "the network's scale is the experiment's");
        assertEquals(OptimizerType.ADAM, cfg.optimizer().type());

        ExperimentConfig adamw = ExperimentConfig.load(file, List.of("optimizer.type=adamw",
                "data={sources: [{type: hr_only, hr: hr, lr_cache: lr}], patch_size: 8}")).config();
        assertEquals(OptimizerType.ADAMW, adamw.optimizer().type());
        DataConfig.Sources s = assertInstanceOf(DataConfig.Sources.class, adamw.data());
        assertEquals(2, s.training().scale(), "scale: the experiment's");
        assertEquals(3, s.training().seed(), "seed: the experiment's");
        assertEquals(8, s.training().patchSize());
    }

    @Test
    void aBadOptimizerTypeNamesTheKeyAndTheAllowedValues(@TempDir Path dir) throws Exception {
        String m = failure(TinyExperiment.write(dir, 1, 3, 3), "optimizer.type=sgd");
        assertTrue(m.contains("at 'optimizer.type'") && m.contains("sgd") && m.contains("[adam, adamw]"), m);
    }

    @Test
    void aBadDataKeyNamesItsPath(@TempDir Path dir) throws Exception {
        Path file = TinyExperiment.write(dir, 1, 3, 3);
        String procedural = failure(file, "data.imgs=4");
        assertTrue(procedural.contains("at 'data.imgs'") && procedural.contains("unknown key"), procedural);
        String folders = failure(file, "data={sources: [{type: hr_only, hr: hr}], patch_sise: 8}");
        assertTrue(folders.contains("at 'data.patch_sise'"), folders);
        String source = failure(file, "data={sources: [{type: hr_only, hr: hr, lr_dir: x}]}");
        assertTrue(source.contains("at 'data.sources[0].lr_dir'"), source);
        String type = failure(file, "data.type=div2k");
        assertTrue(type.contains("at 'data.type'") && type.contains("div2k") && type.contains("procedural"), type);
        String zero = failure(file, "data.images=0");
        assertTrue(zero.contains("at 'data'") && zero.contains("images 0"), zero);
        String scale = failure(file, "data={sources: [{type: hr_only, hr: hr}], scale: 3}");
        assertTrue(scale.contains("data.scale") && scale.contains("differs"), scale);
        String wrongType = failure(file, "data.images=many");
        assertTrue(wrongType.contains("data.images"), wrongType);
    }

    @Test
    void aBadNetworkKeyNamesItsPath(@TempDir Path dir) throws Exception {
        Path file = TinyExperiment.write(dir, 1, 3, 3);
        String key = failure(file, "student.network.feature_channel=8");
        assertTrue(key.contains("at 'student.network.feature_channel'") && key.contains("unknown key"), key);
        String type = failure(file, "student.network.type=rlfm");
        assertTrue(type.contains("student.network.type") && type.contains("rlfm"), type);
        String scale = failure(file, "student.network.scale=4");
        assertTrue(scale.contains("student.network.scale") && scale.contains("differs"), scale);
        String teacher = failure(file, "teacher={network: {type: rlfn, blocks: x}}");
        assertTrue(teacher.contains("teacher.network.blocks"), teacher);
    }

    @Test
    void readLossesNamesTheKeyPath() {
        assertEquals(2, ExperimentConfig.readLosses("[{type: test_l1}, {type: test_l1, weight: 2}]").size());
        ConfigException e = assertThrows(ConfigException.class,
                () -> ExperimentConfig.readLosses("[{type: test_l1}, {type: test_l1, wieght: 2}]"));
        assertTrue(e.getMessage().contains("losses[1].wieght"), e.getMessage());
    }
}
