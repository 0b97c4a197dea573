package org.dckd.core.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.dckd.data.image.ImageFiles;
import org.dckd.data.synthetic.ProceduralImages;

/** A tiny experiment config for runner tests: an x2 RLFN with 8 channels on procedural images, test L1 loss. */
final class TinyExperiment {

    private TinyExperiment() {}

    /**
     * Writes {@code dir/exp.yaml} and a validation set of {@code images} procedural images in {@code dir/val}.
     *
     * @param iterations the run's iterations
     * @param every validation and checkpoint interval
     * @return the config file
     */
    static Path write(Path dir, int images, int iterations, int every) throws IOException {
        Path val = Files.createDirectories(dir.resolve("val"));
        for (int i = 0; i < images; i++) {
            ImageFiles.writePng(ProceduralImages.render(9, i, 64, 48), val.resolve("img" + i + ".png"),
                    ImageFiles.IfExists.FAIL);
        }
        Path cfg = dir.resolve("exp.yaml");
        Files.writeString(cfg, String.join("\n",
                "name: tiny",
                "scale: 2",
                "seed: 3",
                "student: {network: {type: rlfn, feature_channels: 8, blocks: 1, esa_channels: 8, input_range: 1}}",
                "data: {type: procedural, images: 4, size: 64, patch: 16, batch_size: 2}",
                "losses: [{type: test_l1}]",
                "optimizer: {lr: 0.001}",
                "train: {iterations: " + iterations + ", log_every: 2, val_every: " + every + ", save_every: " + every
                        + "}",
                "validation: {sets: [" + val + "]}",
                ""));
        return cfg;
    }
}
