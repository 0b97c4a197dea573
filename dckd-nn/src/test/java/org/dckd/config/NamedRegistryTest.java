package org.dckd.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;

import org.junit.jupiter.api.Test;

class NamedRegistryTest {

    @Test
    void aNameRegisteredTwiceIsRefusedNamingTheNameBothValuesAndBothSites() {
        NamedRegistry<Class<?>> registry = new NamedRegistry<>("widget type");
        registry.register("round", Integer.class);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> registry.register("round", Long.class));
        String m = e.getMessage();
        assertTrue(m.startsWith("widget type 'round' is already registered"), m);
        assertTrue(m.contains("java.lang.Integer") && m.contains("java.lang.Long"), m);
        // both registration sites: this test method, at two different lines
        int first = m.indexOf("NamedRegistryTest.");
        int second = m.indexOf("NamedRegistryTest.", first + 1);
        assertTrue(first >= 0 && second > first, m);
        assertTrue(m.contains("NamedRegistryTest.java:"), m);
        assertEquals(Optional.of(Integer.class), registry.find("round"), "the first registration stays");
    }

    @Test
    void twoFunctionsUnderOneNameAreRefused() {
        NamedRegistry<IntSupplier> registry = new NamedRegistry<>("preset");
        registry.register("one", () -> 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.register("one", () -> 2));
        assertTrue(e.getMessage().contains("'one'") && e.getMessage().contains("a function of "
                + NamedRegistryTest.class.getName()), e.getMessage());
        assertEquals(1, registry.find("one").orElseThrow().getAsInt());
    }

    @Test
    void theSameValueAgainChangesNothing() {
        NamedRegistry<Class<?>> registry = new NamedRegistry<>("widget type");
        registry.register("a", Integer.class);
        registry.register("b", Long.class);
        registry.register("a", Integer.class);
        assertEquals(List.of("a", "b"), registry.names());
    }

    @Test
    void blankNamesAndNullValuesAreRefused() {
        NamedRegistry<String> registry = new NamedRegistry<>("thing");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> registry.register(" ", "x")).getMessage()
                .contains("thing name must not be blank"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> registry.register("x", null)).getMessage()
                .contains("thing 'x'"));
        assertTrue(registry.names().isEmpty());
        assertTrue(registry.find("x").isEmpty());
    }

    /** A facade as the catalogs have: static methods delegating to the registry. */
    private static final class Widgets {
        static final NamedRegistry<String> REGISTRY = new NamedRegistry<>("widget", Widgets.class);

        static void register(String name, String value) {
            REGISTRY.register(name, value);
        }
    }

    @Test
    void behindAFacadeTheSiteIsTheFacadesCaller() {
        Widgets.register("w", "first");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Widgets.register("w", "second"));
        String m = e.getMessage();
        assertTrue(m.contains("first by " + NamedRegistryTest.class.getName() + ".behindAFacade"), m);
        assertTrue(m.contains("second by " + NamedRegistryTest.class.getName() + ".lambda$behindAFacade"), m);
        assertTrue(!m.contains("Widgets.register"), m);
    }
}
