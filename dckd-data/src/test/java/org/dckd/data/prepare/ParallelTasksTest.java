package org.dckd.data.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class ParallelTasksTest {

    /** Records reports and fails if two arrive at once. */
    private static final class Recorder implements ProgressListener {
        final List<String> events = new ArrayList<>();
        final AtomicInteger inside = new AtomicInteger();

        private void enter(String e) {
            assertEquals(1, inside.incrementAndGet(), "concurrent progress calls");
            events.add(e);
            inside.decrementAndGet();
        }

        @Override
        public void started(String task, long total, String unit) {
            enter("start " + task + " " + total + " " + unit);
        }

        @Override
        public void advanced(long done) {
            enter("advanced " + done);
        }

        @Override
        public void finished() {
            enter("finished");
        }
    }

    @Test
    void runsEveryItemOnceAndReportsProgressSerially() throws IOException {
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            items.add(i);
        }
        ConcurrentHashMap<Integer, Integer> seen = new ConcurrentHashMap<>();
        Recorder r = new Recorder();
        ParallelTasks.forEach(items, 3, "work", "items", r, i -> seen.merge(i, 1, Integer::sum));
        assertEquals(200, seen.size());
        assertTrue(seen.values().stream().allMatch(v -> v == 1));
        assertEquals("start work 200 items", r.events.get(0));
        assertEquals("advanced 200", r.events.get(r.events.size() - 2));
        assertEquals("finished", r.events.get(r.events.size() - 1));
        assertEquals(202, r.events.size());
    }

    @Test
    void theFailureOfTheLowestItemIsRethrownUnchangedAfterTheOthersStop() {
        IOException second = new IOException("item 2 is broken");
        IOException seventh = new IOException("item 7 is broken");
        List<Integer> items = List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        Recorder r = new Recorder();
        IOException e = assertThrows(IOException.class, () -> ParallelTasks.forEach(items, 1, "w", "items", r, i -> {
            if (i == 2) {
                throw second;
            }
            if (i == 7) {
                throw seventh;
            }
        }));
        assertSame(second, e);
        assertEquals("finished", r.events.get(r.events.size() - 1), "the step is closed on failure too");
        IllegalStateException runtime = assertThrows(IllegalStateException.class, () -> ParallelTasks.forEach(items,
                2, "w", "items", ProgressListener.NONE, i -> {
                    throw new IllegalStateException("bad " + i);
                }));
        assertTrue(runtime.getMessage().startsWith("bad "));
        IOException checked = assertThrows(IOException.class, () -> ParallelTasks.forEach(items, 2, "w", "items",
                ProgressListener.NONE, i -> {
                    throw new Exception("checked " + i);
                }));
        assertTrue(checked.getMessage().contains("checked 0"), checked.getMessage());
    }
}
