package org.dckd.examples;

import java.io.IOException;
import java.nio.file.Path;

import ai.djl.ndarray.NDManager;

import org.dckd.backbones.BlockNetwork;
import org.dckd.backbones.SrBackbone;
import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.StateDict;

/**
 * (c) Saving a student so that PyTorch loads it: {@code .pth} in {@code torch.save}'s format, read by
 * {@code torch.load(path, weights_only=True)}, with the keys of the equivalent PyTorch module.
 *
 * <p>Run: {@code java -cp ... org.dckd.examples.SaveForPyTorch student.pth}; then, in Python:
 * <pre>{@code
 * net = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
 *                     nn.Conv2d(32, 12, 3, padding=1), nn.PixelShuffle(2))
 * net.load_state_dict(torch.load("student.pth", weights_only=True))
 * }</pre>
 * A dckd backbone (RLFN, IMDN, SwinIR) saves with the official repositories' keys, so their own model classes load it
 * the same way. {@code tools/reference/check_saved_student.py} does this and compares the outputs with Java's.
 */
public final class SaveForPyTorch {

    private SaveForPyTorch() {}

    /** Entry point. */
    public static void main(String[] args) throws IOException {
        save(Path.of(args.length > 0 ? args[0] : "student.pth"));
    }

    // [readme:save]
    /**
     * Saves a (here freshly initialised) student of {@link OwnBlockStudent#network()} for PyTorch.
     *
     * @param file the {@code .pth} to write (never overwritten)
     * @return what was written
     * @throws IOException if the file exists or cannot be written
     */
    public static StateDict save(Path file) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            SrBackbone student = BlockNetwork.builder().setFactory(OwnBlockStudent::network).setScale(2).build();
            student.initialize(manager);                               // ... or the Distiller's student after training
            // BlockNetwork names the parameters "net.0.weight", ...: nn.Sequential's keys are "0.weight", ...
            StateDict weights = StateDict.of(student).stripPrefix("net.");
            Checkpoints.writePth(weights, file);                       // atomic; StandardCopyOption.REPLACE_EXISTING
            Checkpoints.writeSafetensors(weights, file.resolveSibling(file.getFileName() + ".safetensors"));
            System.out.println("wrote " + file + ": " + weights.keys());
            return weights;
        }
    }
    // [readme:end]
}
