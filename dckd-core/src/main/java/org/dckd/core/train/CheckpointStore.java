package org.dckd.core.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.Tensor;

/**
 * Checkpoints of a run, one folder per saved iteration: {@code iter_00001000/} holding
 * <ul>
 *   <li>{@code student.safetensors}: the student's weights under the official PyTorch keys (usable with
 *       {@code dckd evaluate --weights});</li>
 *   <li>{@code student_ema.safetensors}: its EMA ({@code params_ema}), when EMA is on;</li>
 *   <li>{@code student_deploy.safetensors} and {@code student_ema_deploy.safetensors}: the same weights merged into the
 *       deploy form, when the student is a reparameterisable network in its training form (SPAN; see
 *       {@link org.dckd.backbones.DeployConversion}); evaluate them with the deploy-form config;</li>
 *   <li>{@code training_state.safetensors}: everything a resumed run needs (weights, EMA, optimizer moments, loss-term
 *       state such as the DCKD history model and codebook, iteration);</li>
 *   <li>{@code training_state.json}: iteration, data position, best validation score, config ({@link CheckpointInfo}).</li>
 * </ul>
 * A checkpoint is written into {@code iter_N.partial/} and renamed when complete (an atomic rename on one file
 * system), so a crash never leaves a half-written checkpoint that looks complete; {@code .partial} folders are ignored
 * and cleaned up.
 */
public final class CheckpointStore {

    private static final Pattern NAME = Pattern.compile("iter_(\\d{8,})");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path dir;

    CheckpointStore(Path dir) {
        this.dir = dir;
    }

    /** The folder of the checkpoints. */
    public Path directory() {
        return dir;
    }

    /** The student's weights file in a checkpoint folder. */
    public static final String STUDENT = "student.safetensors";
    /** The student EMA's weights file. */
    public static final String STUDENT_EMA = "student_ema.safetensors";
    /** The student's weights merged into the deploy form. */
    public static final String STUDENT_DEPLOY = "student_deploy.safetensors";
    /** The student EMA's weights merged into the deploy form. */
    public static final String STUDENT_EMA_DEPLOY = "student_ema_deploy.safetensors";

    /**
     * The student's weights to save in a checkpoint.
     *
     * @param student the student's state dict
     * @param ema the EMA's state dict, or {@code null}
     * @param studentDeploy the student's deploy-form state dict, or {@code null} (no deploy form)
     * @param emaDeploy the EMA's deploy-form state dict, or {@code null}
     */
    public record StudentWeights(StateDict student, StateDict ema, StateDict studentDeploy, StateDict emaDeploy) {}

    /** A complete checkpoint on disk. */
    public record Saved(Path directory, long iteration) {
        /** The student weights file. */
        public Path studentWeights() {
            return directory.resolve(STUDENT);
        }

        /** The student's deploy-form weights file (exists only for a reparameterisable student). */
        public Path studentDeployWeights() {
            return directory.resolve(STUDENT_DEPLOY);
        }

        /** The EMA's deploy-form weights file (may not exist). */
        public Path emaDeployWeights() {
            return directory.resolve(STUDENT_EMA_DEPLOY);
        }

        /** The EMA weights file (may not exist). */
        public Path emaWeights() {
            return directory.resolve(STUDENT_EMA);
        }
    }

    /**
     * Writes a checkpoint atomically.
     *
     * @param iteration the iteration
     * @param trainingState the full training state
     * @param student the student's state dict
     * @param ema the EMA's state dict, or {@code null}
     * @param info the metadata ({@code training_state.json})
     * @return the written checkpoint
     */
    public Saved save(long iteration, Map<String, Tensor> trainingState, StateDict student, StateDict ema,
            CheckpointInfo info) throws IOException {
        return save(iteration, trainingState, new StudentWeights(student, ema, null, null), info);
    }

    /**
     * Writes a checkpoint atomically, with the deploy-form weights when given.
     *
     * @param iteration the iteration
     * @param trainingState the full training state
     * @param weights the student's weights (EMA and deploy forms optional)
     * @param info the metadata ({@code training_state.json})
     * @return the written checkpoint
     */
    public Saved save(long iteration, Map<String, Tensor> trainingState, StudentWeights weights, CheckpointInfo info)
            throws IOException {
        Path target = dir.resolve(String.format("iter_%08d", iteration));
        Path partial = dir.resolve(target.getFileName() + ".partial");
        RunDirectory.deleteRecursively(partial);
        Files.createDirectories(partial);
        Map<String, String> meta = Map.of("format", "dckd-checkpoint", "iteration", Long.toString(iteration));
        Checkpoints.writeSafetensors(weights.student(), partial.resolve(STUDENT), meta);
        if (weights.ema() != null) {
            Checkpoints.writeSafetensors(weights.ema(), partial.resolve(STUDENT_EMA), meta);
        }
        Map<String, String> deployMeta = Map.of("format", "pt", "dckd_form", "deploy", "iteration",
                Long.toString(iteration));
        if (weights.studentDeploy() != null) {
            Checkpoints.writeSafetensors(weights.studentDeploy(), partial.resolve(STUDENT_DEPLOY), deployMeta);
        }
        if (weights.emaDeploy() != null) {
            Checkpoints.writeSafetensors(weights.emaDeploy(), partial.resolve(STUDENT_EMA_DEPLOY), deployMeta);
        }
        Checkpoints.writeSafetensors(new StateDict(trainingState, null), partial.resolve("training_state.safetensors"),
                meta);
        Files.writeString(partial.resolve("training_state.json"), JSON.writeValueAsString(info));
        if (Files.exists(target)) {
            // the same iteration saved again (e.g. a resumed run that re-reached it): replace the old copy
            Path old = dir.resolve(target.getFileName() + ".old");
            RunDirectory.deleteRecursively(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            RunDirectory.deleteRecursively(old);
        } else {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        }
        return new Saved(target, iteration);
    }

    /** The complete checkpoints, oldest first. */
    public List<Saved> list() throws IOException {
        List<Saved> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p.resolve("training_state.json"))) {
                    out.add(new Saved(p, Long.parseLong(m.group(1))));
                }
            }
        }
        out.sort(java.util.Comparator.comparingLong(Saved::iteration));
        return out;
    }

    /** The newest complete checkpoint. */
    public Optional<Saved> latest() throws IOException {
        List<Saved> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /**
     * Deletes all but the newest {@code keep} checkpoints, never the one in {@code protect}.
     *
     * @param keep how many to keep (0 keeps all)
     * @param protect iterations never deleted (e.g. the best)
     */
    public void prune(int keep, java.util.Set<Long> protect) throws IOException {
        if (keep <= 0) {
            return;
        }
        List<Saved> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            if (!protect.contains(all.get(i).iteration())) {
                RunDirectory.deleteRecursively(all.get(i).directory());
            }
        }
    }

    /**
     * A loaded checkpoint.
     *
     * @param saved where it is
     * @param trainingState the training state's tensors
     * @param info its metadata
     */
    public record Loaded(Saved saved, Map<String, Tensor> trainingState, CheckpointInfo info) {}

    /**
     * Loads a checkpoint folder (or the folder of a given {@code training_state.json}).
     *
     * @param path a checkpoint folder or a file in it
     * @return the checkpoint
     * @throws IOException naming the file when it is missing or damaged
     */
    public static Loaded load(Path path) throws IOException {
        Path d = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        Path json = d.resolve("training_state.json");
        Path state = d.resolve("training_state.safetensors");
        if (!Files.isRegularFile(json) || !Files.isRegularFile(state)) {
            throw new IOException(path + " is not a dckd checkpoint (expected training_state.json and"
                    + " training_state.safetensors in " + d + ")");
        }
        CheckpointInfo info;
        try {
            info = JSON.readValue(json.toFile(), CheckpointInfo.class);
        } catch (JsonProcessingException e) {
            throw new IOException(json + ": damaged checkpoint metadata: " + e.getOriginalMessage(), e);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>(Checkpoints.read(state).tensors());
        return new Loaded(new Saved(d, info.iteration()), tensors, info);
    }
}
