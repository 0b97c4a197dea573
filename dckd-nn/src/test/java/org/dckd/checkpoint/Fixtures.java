package org.dckd.checkpoint;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Locates the small committed checkpoint fixtures (written by tools/reference/make_checkpoint_fixtures.py). */
final class Fixtures {

    private Fixtures() {}

    static Path resource(String name) {
        URL url = Fixtures.class.getResource("/checkpoint/" + name);
        if (url == null) {
            throw new IllegalStateException("test resource checkpoint/" + name + " is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
