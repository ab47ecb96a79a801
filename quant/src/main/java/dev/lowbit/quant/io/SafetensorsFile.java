package dev.lowbit.quant.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file, validated and memory-mapped read-only. Tensor slices are zero-copy views of
 * the mapping and stay valid until the arena closes: the file's own shared arena (closed by
 * {@link #close()}) or the caller's.
 */
public final class SafetensorsFile implements TensorSource, AutoCloseable {
    private final Path path;
    private final MemorySegment mapping;
    private final Map<String, TensorInfo> tensors;
    private final List<String> names;
    private final Map<String, String> metadata;
    private final Arena ownedArena;

    private SafetensorsFile(Path path, MemorySegment mapping, SafetensorsHeader header, Arena ownedArena) {
        this.path = path;
        this.mapping = mapping;
        Map<String, TensorInfo> byName = new LinkedHashMap<>();
        for (TensorInfo t : header.tensors()) {
            byName.put(t.name(), t);
        }
        this.tensors = Collections.unmodifiableMap(byName);
        this.names = List.copyOf(byName.keySet());
        this.metadata = header.metadata();
        this.ownedArena = ownedArena;
    }

    /** Opens and maps {@code file} in a new shared arena that {@link #close()} releases. */
    public static SafetensorsFile open(Path file) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            return open(file, arena, arena);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Opens and maps {@code file} in the caller's arena; {@link #close()} then leaves it open. */
    public static SafetensorsFile open(Path file, Arena arena) throws IOException {
        return open(file, arena, null);
    }

    private static SafetensorsFile open(Path file, Arena arena, Arena owned) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new ModelFormatException(file, "file is " + size + " bytes, shorter than the 8-byte header length");
            }
            long headerLength = readLong(ch, 0);
            // Unsigned in the format: a negative long is a length above 2^63, absurd either way.
            if (headerLength < 0 || headerLength > SafetensorsHeader.MAX_HEADER_BYTES) {
                throw new ModelFormatException(file, "header length " + Long.toUnsignedString(headerLength)
                        + " exceeds the " + SafetensorsHeader.MAX_HEADER_BYTES + "-byte limit (not a safetensors file?)");
            }
            if (headerLength > size - 8) {
                throw new ModelFormatException(file, "header length " + headerLength + " exceeds the file ("
                        + size + " bytes; truncated or not a safetensors file?)");
            }
            ByteBuffer json = ByteBuffer.allocate((int) headerLength);
            readFully(ch, json, 8);
            long dataStart = 8 + headerLength;
            SafetensorsHeader header = SafetensorsHeader.parse(file, json.array(), dataStart, size - dataStart);
            MemorySegment mapping = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new SafetensorsFile(file, mapping, header, owned);
        }
    }

    private static long readLong(FileChannel ch, long position) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, buf, position);
        return buf.getLong(0);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position + buf.position());
            if (n < 0) {
                throw new java.io.EOFException("unexpected end of file");
            }
        }
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public List<String> names() {
        return names;
    }

    /** All tensors, in file order. */
    public List<TensorInfo> tensors() {
        return List.copyOf(tensors.values());
    }

    /** The header's {@code __metadata__} map (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new ModelFormatException(path, name, "no such tensor in this file");
        }
        return t;
    }

    @Override
    public MemorySegment slice(String name) {
        TensorInfo t = info(name);
        return mapping.asSlice(t.offset(), t.byteSize());
    }

    /** The whole file as mapped. */
    public MemorySegment segment() {
        return mapping;
    }

    /** Releases the mapping if this object owns its arena; slices become inaccessible. */
    @Override
    public void close() {
        if (ownedArena != null && ownedArena.scope().isAlive()) {
            ownedArena.close();
        }
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + names.size() + " tensors]";
    }
}
