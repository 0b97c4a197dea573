package org.dckd.testing;

/** Byte-array helpers for tests that damage files on purpose. */
public final class Bytes {

    private Bytes() {}

    /**
     * The first index of {@code needle} in {@code haystack}.
     *
     * @throws AssertionError if it does not occur
     */
    public static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("byte sequence not found");
    }
}
