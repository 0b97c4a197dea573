package org.dckd.data.prepare;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one task per item on a few threads, stopping at the first failure and reporting progress; the building block
 * of the preparation steps and of the training-set check.
 *
 * <p>Items are taken in list order by {@code workers} threads (the calling thread alone when {@code workers <= 1}).
 * After a task fails no further item is started; the tasks already running finish; then the failure with the lowest
 * item index is rethrown on the calling thread, unchanged (so its message still names the file). Progress is reported
 * once per finished item, serialised.
 */
public final class ParallelTasks {

    /**
     * The work for one item.
     *
     * @param <T> the item type
     */
    @FunctionalInterface
    public interface Task<T> {
        /**
         * Processes one item.
         *
         * @param item the item
         * @throws Exception on failure; the message should name the file
         */
        void run(T item) throws Exception;
    }

    private ParallelTasks() {}

    /**
     * Runs {@code task} for every item.
     *
     * @param items the items
     * @param workers the number of threads (at least 1 is used)
     * @param name the step's name for the progress report and the thread names
     * @param unit what an item is, for the progress report (e.g. {@code "images"})
     * @param listener receives the progress
     * @param task the work for one item
     * @param <T> the item type
     * @throws IOException the first failure if it is an {@code IOException}, or an {@code IOException} wrapping a
     *     checked exception of another kind; {@link InterruptedIOException} if the calling thread is interrupted
     */
    public static <T> void forEach(List<T> items, int workers, String name, String unit, ProgressListener listener,
                                   Task<T> task) throws IOException {
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(task, "task");
        ProgressListener progress = listener == null ? ProgressListener.NONE : listener;
        int n = items.size();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failedIndex = new AtomicInteger(Integer.MAX_VALUE);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Object lock = new Object();
        Runnable worker = () -> {
            while (failure.get() == null && !Thread.currentThread().isInterrupted()) {
                int i = next.getAndIncrement();
                if (i >= n) {
                    return;
                }
                try {
                    task.run(items.get(i));
                } catch (Throwable t) {
                    synchronized (lock) {
                        if (i < failedIndex.get()) {
                            failedIndex.set(i);
                            failure.set(t);
                        }
                    }
                    return;
                }
                synchronized (lock) {
                    progress.advanced(done.incrementAndGet()); // under the lock: reports never go backwards
                }
            }
        };
        int threads = Math.max(1, Math.min(workers, n));
        synchronized (lock) {
            progress.started(name, n, unit);
        }
        try {
            if (threads == 1) {
                worker.run();
            } else {
                Thread[] pool = new Thread[threads];
                for (int t = 0; t < threads; t++) {
                    pool[t] = new Thread(worker, "dckd-" + name.replaceAll("\\W+", "-") + "-" + t);
                    pool[t].setDaemon(true);
                    pool[t].start();
                }
                try {
                    for (Thread t : pool) {
                        t.join();
                    }
                } catch (InterruptedException e) {
                    for (Thread t : pool) {
                        t.interrupt();
                    }
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException(name + " was interrupted");
                }
            }
        } finally {
            synchronized (lock) {
                progress.finished();
            }
        }
        Throwable t = failure.get();
        if (t == null) {
            if (done.get() < n) {
                throw new InterruptedIOException(name + " was interrupted");
            }
            return;
        }
        if (t instanceof IOException io) {
            throw io;
        }
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        throw new IOException(name + ": " + t.getMessage(), t);
    }
}
