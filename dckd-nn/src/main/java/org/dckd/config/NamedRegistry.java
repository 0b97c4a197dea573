package org.dckd.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Values by a unique name, in registration order, refusing a name registered twice: the backbone types and presets,
 * the loss-term types and the CSD encoders are each one of these. Each registration remembers where it was made (the
 * caller of {@link #register}, or of the facade class that delegates to it), so a clash names both places. Registering the very same value again
 * under its name (a static initialiser that runs in two tests, say) changes nothing. Thread-safe.
 *
 * @param <T> the registered values
 */
public final class NamedRegistry<T> {

    private final String what;
    private final String facade;
    private final Map<String, Registration<T>> entries = new LinkedHashMap<>();

    /**
     * Creates an empty registry whose callers register directly.
     *
     * @param what what a name names, for messages ({@code "backbone type"}, {@code "loss-term type"})
     */
    public NamedRegistry(String what) {
        this(what, null);
    }

    /**
     * Creates an empty registry behind a facade: a class whose static methods delegate to {@link #register}. The site
     * of a registration is then the facade's caller (or the facade's static initialiser, for its built-in entries).
     *
     * @param what what a name names, for messages ({@code "backbone type"}, {@code "loss-term type"})
     * @param facade the delegating class, or {@code null}
     */
    public NamedRegistry(String what, Class<?> facade) {
        this.what = what;
        this.facade = facade == null ? null : facade.getName();
    }

    /**
     * One registered value and where it was registered.
     *
     * @param value the value
     * @param site the registering call ({@code org.example.MyNets.<clinit>(MyNets.java:12)})
     * @param <T> the value type
     */
    public record Registration<T>(T value, String site) {}

    /**
     * Registers a value under a name.
     *
     * @param name the name
     * @param value the value
     * @throws IllegalArgumentException if the name is blank, or is already registered to another value: the message
     *     names the name, the registered value and its site, and the refused value and its site
     */
    public synchronized void register(String name, T value) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(what + " name must not be blank, got '" + name + "'");
        }
        if (value == null) {
            throw new IllegalArgumentException(what + " '" + name + "': the registered value must not be null");
        }
        String site = callerSite();
        Registration<T> existing = entries.get(name);
        if (existing != null && existing.value().equals(value)) {
            return;
        }
        if (existing != null) {
            throw new IllegalArgumentException(what + " '" + name + "' is already registered: "
                    + describe(existing.value()) + " by " + existing.site() + "; refused the second registration of " + describe(value) + " by "
                    + site + " (choose another name)");
        }
        entries.put(name, new Registration<>(value, site));
    }

    /** The value registered under {@code name}, if any. */
    public synchronized Optional<T> find(String name) {
        Registration<T> r = entries.get(name);
        return r == null ? Optional.empty() : Optional.of(r.value());
    }

    /** Whether {@code name} is registered. */
    public synchronized boolean contains(String name) {
        return entries.containsKey(name);
    }

    /** The registered names, in registration order. */
    public synchronized List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /** Calls {@code action} with every name and value, in registration order. */
    public synchronized void forEach(BiConsumer<String, T> action) {
        entries.forEach((name, r) -> action.accept(name, r.value()));
    }

    private static String describe(Object value) {
        if (value instanceof Class<?> c) {
            return c.getName();
        }
        String s = value.toString();
        int lambda = s.indexOf("$$Lambda");
        return lambda < 0 ? s : "a function of " + s.substring(0, lambda);
    }

    /** The first stack frame outside this class and outside the facade's methods (its static initialiser counts). */
    private String callerSite() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !f.getClassName().equals(NamedRegistry.class.getName()))
                .filter(f -> !f.getClassName().equals(facade) || f.getMethodName().equals("<clinit>"))
                .findFirst()
                .map(StackWalker.StackFrame::toStackTraceElement)
                .map(StackTraceElement::toString)
                .orElse("an unknown caller"));
    }
}
