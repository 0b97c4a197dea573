package org.dckd.data.loader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.dckd.data.image.Image;
import org.dckd.data.image.ImageFiles;
import org.dckd.data.image.ImageReadException;
import org.dckd.data.prepare.InvalidDataException;
import org.dckd.data.training.AugmentConfig;
import org.dckd.data.training.TrainingDataConfig;
import org.dckd.data.training.TrainingPair;
import org.dckd.data.training.TrainingSet;

/**
 * An endless, reproducible stream of training batches, made on background threads.
 *
 * <p>Each call to {@link #next()} returns the next {@link PatchBatch}: {@code batch_size} samples in the order of the
 * {@link SampleSchedule} (shuffled epochs, one after the other, forever). For every sample both images of its pair
 * are decoded, an LR patch of {@code patch_size} is cut at a random position with the HR patch of
 * {@code patch_size * scale} at exactly the corresponding position, the same random flips are applied to both, and
 * the values are scaled to {@code [0, range]}.
 *
 * <h2>Threads</h2>
 * {@code workers} daemon threads each build whole batches; at most {@code prefetch} batches are being built or waiting
 * (the bounded queue), and they are handed out strictly in order. {@code workers = 0} builds each batch on the calling
 * thread. No tensor library is used on these threads.
 *
 * <h2>Determinism and resume</h2>
 * A batch depends only on the training set, the config (patch, batch size, flips, enlarge ratio, seed), the range and
 * its {@link LoaderPosition}, never on the number of workers or on timing. {@link #position()} after a batch, saved and
 * given to {@link Builder#optStart} of a new loader, continues with exactly the batches the original would have
 * produced next.
 *
 * <h2>Failures</h2>
 * If a sample cannot be made (an unreadable or truncated file, a file changed since the set was checked), the
 * {@link #next()} call that asks for its batch throws a {@link PatchLoadingException} naming the sample and the file;
 * the workers are stopped and every later call throws again. Nothing is swallowed or skipped, and no call hangs.
 * {@link #close()} stops the workers promptly (they are interrupted and finish at most their current image).
 */
public final class PatchLoader implements AutoCloseable {

    private static final AtomicInteger LOADERS = new AtomicInteger();

    private final TrainingSet set;
    private final SampleSchedule schedule;
    private final int patch;
    private final int scale;
    private final float range;
    private final long seed;
    private final AugmentConfig augment;
    private final int prefetch;
    private final ExecutorService executor;
    private final ConcurrentLinkedDeque<Future<PatchBatch>> pending = new ConcurrentLinkedDeque<>();
    private LoaderPosition submitted;
    private volatile LoaderPosition position;
    private long orderEpoch = -1;
    private int[] order;
    private PatchLoadingException failure;
    private volatile boolean closed;

    private PatchLoader(Builder b) {
        TrainingDataConfig c = b.config;
        this.set = b.set;
        this.schedule = new SampleSchedule(c.seed(), set.size(), c.enlargeRatio(), c.batchSize());
        this.patch = c.patchSize();
        this.scale = c.scale();
        this.range = b.range;
        this.seed = c.seed();
        this.augment = c.augment();
        this.prefetch = c.prefetch();
        this.position = schedule.normalize(b.start);
        this.submitted = position;
        if (c.workers() > 0) {
            int id = LOADERS.incrementAndGet();
            AtomicInteger thread = new AtomicInteger();
            this.executor = Executors.newFixedThreadPool(c.workers(), r -> {
                Thread t = new Thread(r, "dckd-patch-loader-" + id + "-" + thread.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            fill();
        } else {
            this.executor = null;
        }
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the next batch, waiting for the workers if it is not ready.
     *
     * @return the batch
     * @throws PatchLoadingException if a sample of this batch (or an earlier failed batch) could not be made, naming
     *     the sample and file
     * @throws IllegalStateException if the loader is closed, or the calling thread is interrupted while waiting (the
     *     loader stays usable and returns the same batch on the next call)
     */
    public synchronized PatchBatch next() {
        if (closed) {
            throw new IllegalStateException("the patch loader is closed");
        }
        if (failure != null) {
            throw new PatchLoadingException(failure.getMessage(), failure.file().orElse(null), failure);
        }
        PatchBatch batch;
        if (executor == null) {
            try {
                batch = build(position, pairIndices(position));
            } catch (PatchLoadingException e) {
                failure = e;
                throw new PatchLoadingException(e.getMessage(), e.file().orElse(null), e);
            }
        } else {
            Future<PatchBatch> head = pending.peekFirst();
            if (head == null) {
                throw new IllegalStateException("the patch loader is closed");
            }
            try {
                batch = head.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the batch at " + position, e);
            } catch (CancellationException e) {
                throw new IllegalStateException("the patch loader is closed", e);
            } catch (ExecutionException e) {
                failure = asLoadingException(e.getCause());
                shutdownWorkers();
                throw new PatchLoadingException(failure.getMessage(), failure.file().orElse(null), failure);
            }
            pending.pollFirst();
        }
        position = batch.next();
        if (executor != null) {
            fill();
        }
        return batch;
    }

    private static PatchLoadingException asLoadingException(Throwable t) {
        if (t instanceof PatchLoadingException p) {
            return p;
        }
        return new PatchLoadingException("a patch loader worker failed: " + t, null, t);
    }

    /** Submits batches until {@code prefetch} are pending. Consumer thread only. */
    private void fill() {
        while (!closed && pending.size() < prefetch) {
            LoaderPosition start = submitted;
            int[] pairs = pairIndices(start);
            submitted = schedule.after(start);
            try {
                pending.addLast(executor.submit(() -> build(start, pairs)));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return; // closed concurrently
            }
        }
    }

    /** The pair index of every sample of the batch starting at {@code start}. Consumer thread only. */
    private int[] pairIndices(LoaderPosition start) {
        if (start.epoch() != orderEpoch) {
            order = schedule.epochOrder(start.epoch());
            orderEpoch = start.epoch();
        }
        int n = schedule.batchSize();
        int[] out = new int[n];
        System.arraycopy(order, (int) start.index(), out, 0, n);
        return out;
    }

    /** Builds one batch (worker thread, or the caller when there are no workers). */
    private PatchBatch build(LoaderPosition start, int[] pairIndices) {
        int n = pairIndices.length;
        int hrPatch = patch * scale;
        float[] lr = new float[n * 3 * patch * patch];
        float[] hr = new float[n * 3 * hrPatch * hrPatch];
        List<PatchSample> samples = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            if (executor != null && Thread.currentThread().isInterrupted()) {
                throw new CancellationException("patch loader closed");
            }
            long index = start.index() + j;
            TrainingPair pair = set.pairs().get(pairIndices[j]);
            try {
                samples.add(sample(pair, pairIndices[j], start.epoch(), index, lr, j * 3 * patch * patch, hr,
                        j * 3 * hrPatch * hrPatch));
            } catch (ImageReadException e) {
                throw failure(pair, start.epoch(), index, e.getMessage(), e.file(), e);
            } catch (InvalidDataException e) {
                throw failure(pair, start.epoch(), index, e.getMessage(),
                        e.files().isEmpty() ? null : e.files().get(0), e);
            } catch (IOException | RuntimeException e) {
                throw failure(pair, start.epoch(), index, e + " (HR " + pair.hrFile() + ", LR " + pair.lrFile() + ")",
                        null, e);
            }
        }
        return new PatchBatch(patch, scale, range, lr, hr, samples, start, schedule.after(start));
    }

    private static PatchLoadingException failure(TrainingPair pair, long epoch, long index, String message, Path file,
                                                 Throwable cause) {
        return new PatchLoadingException("cannot load training sample " + pair.id() + " (epoch " + epoch + ", index "
                + index + "): " + message, file, cause);
    }

    /** Cuts one sample's patches into the batch arrays. */
    private PatchSample sample(TrainingPair pair, int pairIndex, long epoch, long index, float[] lrOut, int lrOffset,
                               float[] hrOut, int hrOffset) throws IOException {
        Image hrImage = ImageFiles.read(pair.hrFile());
        Image lrImage = ImageFiles.read(pair.lrFile());
        if (hrImage.width() != pair.hrWidth() || hrImage.height() != pair.hrHeight()
                || lrImage.width() != pair.lrWidth() || lrImage.height() != pair.lrHeight()) {
            TrainingSet.checkPair(pair.hrFile(), hrImage.width(), hrImage.height(), pair.lrFile(), lrImage.width(),
                    lrImage.height(), scale, patch);
        }
        SplittableRandom r = new SplittableRandom(SampleSchedule.sampleSeed(seed, epoch, index));
        int x = r.nextInt(lrImage.width() - patch + 1);
        int y = r.nextInt(lrImage.height() - patch + 1);
        boolean h = r.nextBoolean();
        boolean v = r.nextBoolean();
        boolean t = r.nextBoolean();
        Augmentation a = new Augmentation(h && augment.hflip(), v && augment.vflip(), t && augment.rot90());
        int hrPatch = patch * scale;
        write(a, lrImage.crop(x, y, patch, patch).toChw(), patch, lrOut, lrOffset);
        write(a, hrImage.crop(x * scale, y * scale, hrPatch, hrPatch).toChw(), hrPatch, hrOut, hrOffset);
        return new PatchSample(pair.id(), pairIndex, epoch, index, x, y, a);
    }

    private void write(Augmentation a, float[] chw, int n, float[] dst, int offset) {
        if (range == 1f) {
            a.applyUnitRange(chw, n, dst, offset);
        } else {
            a.apply(chw, n, dst, offset, range == 255f ? 1f : range / 255f);
        }
    }

    /**
     * The position of the next batch {@link #next()} returns; after a batch it equals that batch's
     * {@link PatchBatch#next()}. Save it to resume.
     *
     * @return the position
     */
    public LoaderPosition position() {
        return position;
    }

    /** @return the sample schedule (epoch length, batches per epoch) */
    public SampleSchedule schedule() {
        return schedule;
    }

    /** @return the training set */
    public TrainingSet trainingSet() {
        return set;
    }

    /**
     * Stops the workers and discards prepared batches; waits up to 10 s for the worker threads to end (they finish at
     * most the image they are decoding). A {@link #next()} blocked in another thread then fails with
     * {@link IllegalStateException}. Closing twice is harmless.
     */
    @Override
    public void close() {
        closed = true;
        shutdownWorkers();
        if (executor != null) {
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void shutdownWorkers() {
        if (executor != null) {
            for (Future<PatchBatch> f : pending) {
                f.cancel(true);
            }
            executor.shutdownNow();
        }
    }

    /** @return whether all worker threads have ended (always true without workers) */
    public boolean isTerminated() {
        return executor == null || executor.isTerminated();
    }

    /** Configures a {@link PatchLoader}. */
    public static final class Builder {
        private TrainingSet set;
        private TrainingDataConfig config;
        private LoaderPosition start = LoaderPosition.START;
        private float range = 1f;

        private Builder() {}

        /**
         * Sets the training set (required).
         *
         * @param set the checked pairs
         * @return this builder
         */
        public Builder setTrainingSet(TrainingSet set) {
            this.set = Objects.requireNonNull(set, "set");
            return this;
        }

        /**
         * Sets the data config (required): patch size, batch size, flips, enlarge ratio, workers, prefetch, seed.
         *
         * @param config the config; its scale must be the training set's
         * @return this builder
         */
        public Builder setConfig(TrainingDataConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Sets where to start (default {@link LoaderPosition#START}); a saved {@link PatchLoader#position()} resumes.
         *
         * @param start the position
         * @return this builder
         */
        public Builder optStart(LoaderPosition start) {
            this.start = Objects.requireNonNull(start, "start");
            return this;
        }

        /**
         * Sets the value white maps to (default 1: values in [0, 1]; 255 for networks trained on [0, 255] such as
         * the official RLFN weights).
         *
         * @param range a positive, finite value
         * @return this builder
         */
        public Builder optRange(float range) {
            this.range = range;
            return this;
        }

        /**
         * Checks the settings and starts the workers.
         *
         * @return the loader
         * @throws IllegalArgumentException if the set or config is missing, their scales differ, the range is not
         *     positive, an LR image is smaller than the patch, or the start position does not fit the set
         */
        public PatchLoader build() {
            if (set == null || config == null) {
                throw new IllegalArgumentException("a patch loader needs a training set and a data config");
            }
            if (set.scale() != config.scale()) {
                throw new IllegalArgumentException("the training set is x" + set.scale() + " but the data config says"
                        + " scale " + config.scale());
            }
            if (!(range > 0) || Float.isInfinite(range)) {
                throw new IllegalArgumentException("range must be positive and finite, got " + range);
            }
            for (TrainingPair p : set.pairs()) {
                if (p.lrWidth() < config.patchSize() || p.lrHeight() < config.patchSize()) {
                    throw new IllegalArgumentException("LR image " + p.lrFile() + " (" + p.lrWidth() + "x"
                            + p.lrHeight() + ") is smaller than patch_size " + config.patchSize());
                }
            }
            return new PatchLoader(this);
        }
    }
}
