package org.dckd.checkpoint;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A zip archive of uncompressed ({@code STORED}) records, as {@code numpy.savez} and {@code torch.save} write them,
 * optionally with each record's data aligned (by a padding extra field in its local header, as PyTorch does).
 */
final class StoredZipWriter {

    /** The id of the padding extra field (PyTorch's writer uses the same bytes, "FB"). */
    private static final int PADDING_ID = 0x4246;

    private final Counting counting;
    private final ZipOutputStream zip;
    private final int alignment;

    /**
     * @param target the stream (not closed by {@link #finish()})
     * @param alignment the data alignment in bytes; 1 for none
     */
    StoredZipWriter(OutputStream target, int alignment) {
        this.counting = new Counting(target);
        this.zip = new ZipOutputStream(counting);
        this.alignment = alignment;
    }

    /** Adds one record. */
    void add(String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        if (alignment > 1) {
            long headerEnd = counting.count + 30 + name.getBytes(StandardCharsets.UTF_8).length + 4;
            int pad = (int) ((alignment - headerEnd % alignment) % alignment);
            byte[] extra = new byte[4 + pad];
            extra[0] = (byte) PADDING_ID;
            extra[1] = (byte) (PADDING_ID >>> 8);
            extra[2] = (byte) pad;
            extra[3] = (byte) (pad >>> 8);
            e.setExtra(extra);
        }
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /** Writes the central directory and flushes; the target stays open. */
    void finish() throws IOException {
        zip.finish();
        zip.flush();
    }

    /** Counts the bytes written, for the alignment of the records. */
    private static final class Counting extends FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
