package org.dckd.checkpoint;

import java.util.Objects;

import ai.djl.ndarray.types.DataType;

/**
 * One storage of a PyTorch checkpoint: a key (the zip entry {@code data/<key>} or the legacy record key), an element
 * type and a length. The bytes (in the file's byte order) are attached by the format reader, lazily for zip files.
 */
final class StorageRecord {

    /** Supplies a record's bytes on first use. */
    interface Source {
        byte[] load(StorageRecord record);
    }

    /** A window of a record: legacy files address shared storages as (root record, element offset, length). */
    record Slice(StorageRecord record, long offset, long numel) {}

    private final String key;
    private final DataType dataType;
    private final long numel;
    private Source source;
    private byte[] bytes;

    StorageRecord(String key, DataType dataType, long numel) {
        this.key = key;
        this.dataType = dataType;
        this.numel = numel;
    }

    String key() {
        return key;
    }

    DataType dataType() {
        return dataType;
    }

    /** Length in elements, as the pickle declares it. */
    long numel() {
        return numel;
    }

    void setSource(Source source) {
        this.source = source;
    }

    void setBytes(byte[] bytes) {
        this.bytes = bytes;
    }

    boolean hasBytes() {
        return bytes != null;
    }

    byte[] bytes() {
        if (bytes == null) {
            bytes = Objects.requireNonNull(source, "no source for storage " + key).load(this);
        }
        return bytes;
    }
}
