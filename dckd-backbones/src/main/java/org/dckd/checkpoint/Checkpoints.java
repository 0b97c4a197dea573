package org.dckd.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import org.dckd.nn.DjlRuntime;

/**
 * Reads and writes checkpoints. SKELETON: only {@code .npz}/{@code .safetensors} via DJL for now; the PyTorch
 * {@code .pth} reader replaces this.
 */
public final class Checkpoints {

    static {
        DjlRuntime.ensureOffline();
    }

    private Checkpoints() {}

    /**
     * Reads a checkpoint's state dict, detecting the format from the content.
     *
     * @param file the checkpoint
     * @return the tensors by key
     * @throws IOException if the file cannot be read or is not a supported checkpoint (the message names the file)
     */
    public static StateDict read(Path file) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager(); InputStream in = Files.newInputStream(file)) {
            NDList list = NDList.decode(manager, in);
            for (NDArray a : list) {
                out.put(a.getName(), Tensor.of(a));
            }
        }
        return new StateDict(out, file);
    }
}
