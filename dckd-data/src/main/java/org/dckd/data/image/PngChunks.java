package org.dckd.data.image;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * Verifies a PNG file's chunk structure and every chunk's CRC-32, which {@code javax.imageio}'s PNG decoder does not:
 * a flipped bit in the pixel data ({@code IDAT}) would otherwise decode silently into wrong pixels. Streams the file
 * once with a 64 KiB buffer; the CRC is hardware-accelerated, so this costs far less than decoding.
 */
final class PngChunks {

    /** The 8-byte PNG signature. */
    static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngChunks() {}

    /** Whether the file starts with the PNG signature. */
    static boolean isPng(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(SIGNATURE, in.readNBytes(SIGNATURE.length));
        }
    }

    /**
     * Checks every chunk's length and CRC up to {@code IEND}.
     *
     * @param file a PNG file
     * @throws ImageReadException (CORRUPT) naming the file, the chunk and its byte offset
     */
    static void verify(Path file) throws IOException {
        long size = Files.size(file);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            in.skipNBytes(SIGNATURE.length);
            long offset = SIGNATURE.length;
            byte[] buffer = new byte[1 << 16];
            CRC32 crc = new CRC32();
            while (true) {
                int length;
                byte[] type = new byte[4];
                try {
                    length = in.readInt();
                    in.readFully(type);
                } catch (EOFException e) {
                    throw corrupt(file, "the file ends at byte " + offset + " without an IEND chunk (truncated)");
                }
                String name = new String(type, StandardCharsets.ISO_8859_1);
                if (length < 0 || offset + 12 + (long) length > size) {
                    throw corrupt(file, "chunk " + printable(name) + " at byte " + offset + " declares "
                            + Integer.toUnsignedString(length) + " bytes, beyond the end of the " + size + "-byte file");
                }
                crc.reset();
                crc.update(type);
                int left = length;
                while (left > 0) {
                    int n = in.read(buffer, 0, Math.min(left, buffer.length));
                    if (n < 0) {
                        throw corrupt(file, "chunk " + printable(name) + " at byte " + offset + " is truncated");
                    }
                    crc.update(buffer, 0, n);
                    left -= n;
                }
                long stored = Integer.toUnsignedLong(in.readInt());
                if (stored != crc.getValue()) {
                    throw corrupt(file, String.format(Locale.ROOT, "chunk %s at byte %d has CRC %08x, but its data "
                            + "gives %08x: the file is damaged", printable(name), offset, stored, crc.getValue()));
                }
                offset += 12 + (long) length;
                if (name.equals("IEND")) {
                    return;
                }
            }
        }
    }

    private static String printable(String type) {
        return type.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) ? type : "(unreadable type)";
    }

    private static ImageReadException corrupt(Path file, String what) {
        return new ImageReadException(file, ImageReadException.Reason.CORRUPT, "PNG " + what, null);
    }
}
