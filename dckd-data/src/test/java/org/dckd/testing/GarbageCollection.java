package org.dckd.testing;

import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Forces what a long training run does at random moments: a garbage collection that frees unreachable direct buffers
 * (their native memory), followed by new native allocations that may reuse and overwrite it.
 *
 * <p>Tests call {@link #collectAndReuse()} between a forward and a backward pass to prove that the backward pass reads
 * nothing that only a (now unreachable) Java object kept alive; see {@code org.dckd.nn.OwnedArrays}.
 */
public final class GarbageCollection {

    private GarbageCollection() {}

    /**
     * Runs the collector until a fresh weakly reachable object is cleared (at least three times), gives the cleaner
     * thread time to free direct buffers, then allocates and fills small direct buffers with NaN so that freed native
     * blocks are reused with poison.
     */
    public static void collectAndReuse() {
        for (int round = 0; round < 3; round++) {
            WeakReference<Object> probe = new WeakReference<>(new Object());
            for (int i = 0; i < 10 && probe.get() != null; i++) {
                System.gc();
            }
            try {
                Thread.sleep(30); // the Cleaner thread frees the direct buffers' memory
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        List<ByteBuffer> poison = new ArrayList<>();
        for (int size = 4; size <= 4096; size *= 2) {
            for (int i = 0; i < 8; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
                while (b.remaining() >= 4) {
                    b.putFloat(Float.NaN);
                }
                poison.add(b);
            }
        }
        poison.clear();
    }
}
