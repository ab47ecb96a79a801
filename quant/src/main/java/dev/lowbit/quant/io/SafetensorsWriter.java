package dev.lowbit.quant.io;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes one safetensors file: tensors sorted by {@link PendingTensor#FILE_ORDER}, header padded
 * with spaces to a multiple of 8 bytes, written to a temporary file and renamed into place.
 */
public final class SafetensorsWriter implements TensorSink {
    private static final int STAGING_BYTES = 4 << 20;

    private final Map<String, PendingTensor> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new TreeMap<>();

    /** Adds an entry to the header's {@code __metadata__}. */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    @Override
    public void add(String name, DType dtype, long[] shape, MemorySegment data) {
        PendingTensor t = new PendingTensor(name, dtype, shape, data);
        if (tensors.putIfAbsent(name, t) != null) {
            throw new IllegalArgumentException("tensor " + name + " was added twice");
        }
    }

    public int tensorCount() {
        return tensors.size();
    }

    /** Sum of the tensors' data sizes (the file adds the header). */
    public long dataBytes() {
        return tensors.values().stream().mapToLong(PendingTensor::byteSize).sum();
    }

    public void write(Path file) throws IOException {
        write(file, tensors.values(), metadata);
    }

    static void write(Path file, Collection<PendingTensor> tensors, Map<String, String> metadata) throws IOException {
        List<PendingTensor> ordered = new ArrayList<>(tensors);
        ordered.sort(PendingTensor.FILE_ORDER);
        byte[] header = header(ordered, metadata);
        AtomicFiles.write(file, ch -> {
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            writeFully(ch, prefix);
            writeFully(ch, ByteBuffer.wrap(header));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment staging = arena.allocate(STAGING_BYTES, 8);
                for (PendingTensor t : ordered) {
                    copy(ch, t.data(), staging);
                }
            }
        });
    }

    private static byte[] header(List<PendingTensor> ordered, Map<String, String> metadata) throws IOException {
        ObjectNode root = Json.MAPPER.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafetensorsHeader.METADATA_KEY);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (PendingTensor t : ordered) {
            ObjectNode entry = root.putObject(t.name());
            entry.put("dtype", t.dtype().name());
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            entry.putArray("data_offsets").add(offset).add(offset + t.byteSize());
            offset += t.byteSize();
        }
        byte[] json = Json.MAPPER.writeValueAsBytes(root);
        int padded = (json.length + 7) & ~7;
        byte[] out = new byte[padded];
        System.arraycopy(json, 0, out, 0, json.length);
        java.util.Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    /** Through a native staging buffer, so any segment (heap arrays of any type, mapped, >2 GB) works. */
    private static void copy(FileChannel ch, MemorySegment data, MemorySegment staging) throws IOException {
        long size = data.byteSize();
        for (long pos = 0; pos < size; pos += staging.byteSize()) {
            long n = Math.min(staging.byteSize(), size - pos);
            MemorySegment.copy(data, pos, staging, 0, n);
            writeFully(ch, staging.asSlice(0, n).asByteBuffer());
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
