package org.dckd.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates the project's shared reference data ({@code ../shared} beside the project root: benchmark images,
 * official weights, golden values). It is never copied into the repository.
 *
 * <p>When a file is missing: with {@code CI=true} the test FAILS with a message naming the path; on a user's machine it
 * is skipped with a visible message. The root can be moved with {@code -Ddckd.shared=DIR} or {@code DCKD_SHARED=DIR}.
 */
public final class SharedData {

    private SharedData() {}

    /** The shared root ({@code dckd.shared} system property, {@code DCKD_SHARED}, or {@code ../shared}). */
    public static Path root() {
        String p = System.getProperty("dckd.shared");
        if (p == null || p.isBlank() || p.contains("${")) {
            p = System.getenv("DCKD_SHARED");
        }
        if (p == null || p.isBlank()) {
            p = "../shared";
        }
        return Paths.get(p).toAbsolutePath().normalize();
    }

    /**
     * Resolves {@code relative} under the shared root, failing (CI) or skipping (elsewhere) when it is missing.
     *
     * @param relative a path such as {@code data/weights/rlfn_official/rlfn_x4.pth}
     * @return the existing path
     */
    public static Path require(String relative) {
        Path path = root().resolve(relative);
        if (!Files.exists(path)) {
            String msg = "shared reference data missing: " + path
                    + " (this test needs the project's ../shared folder; set -Ddckd.shared=DIR to point elsewhere)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg);
            }
            System.err.println("SKIPPED: " + msg);
            assumeTrue(false, msg);
        }
        return path;
    }
}
