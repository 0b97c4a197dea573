package org.dckd.nn;

/**
 * Puts DJL into offline mode before its {@code Engine} class loads.
 *
 * <p>Without {@code ai.djl.offline=true} the engine contacts outside addresses at start-up (a cloud metadata address
 * and a telemetry URL). Every dckd entry point that can be the first to touch DJL calls {@link #ensureOffline()}
 * from a static initialiser. A value the user set (system property {@code ai.djl.offline} or environment variable
 * {@code DJL_OFFLINE}) is left as it is.
 */
public final class DjlRuntime {

    static {
        ensureOffline();
    }

    private DjlRuntime() {}

    /** Sets {@code ai.djl.offline=true} and pins the PyTorch engine unless the user chose otherwise. Idempotent. */
    public static void ensureOffline() {
        if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("ai.djl.default_engine") == null && System.getenv("DJL_DEFAULT_ENGINE") == null) {
            System.setProperty("ai.djl.default_engine", "PyTorch");
        }
    }
}
