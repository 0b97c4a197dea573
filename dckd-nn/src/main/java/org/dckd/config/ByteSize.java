package org.dckd.config;

import java.util.Locale;

/** Byte counts as users write them: {@code 4294967296}, {@code 512m}, {@code 8g} (binary suffixes k, m, g, t). */
public final class ByteSize {

    private ByteSize() {}

    /**
     * Parses a positive byte count with an optional binary suffix {@code k}, {@code m}, {@code g} or {@code t}.
     *
     * @param text the text, e.g. {@code 2g}
     * @param what where it came from (an option or property), named in the error
     * @return the bytes
     * @throws IllegalArgumentException naming {@code what} and the text if it is not a positive size
     */
    public static long parse(String text, String what) {
        String v = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        int shift = v.isEmpty() ? 0 : switch (v.charAt(v.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        try {
            long n = Long.parseLong(shift == 0 ? v : v.substring(0, v.length() - 1));
            if (n <= 0 || n > Long.MAX_VALUE >> shift) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + "='" + text + "' is not a positive size in bytes (examples: "
                    + "4294967296, 512m, 8g)");
        }
    }
}
