package dev.lowbit.quant.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face checkpoint folder: one {@code model.safetensors}, or shards listed by
 * {@code model.safetensors.index.json}. Every shard is validated and mapped when opened.
 */
public final class Checkpoint implements TensorSource, AutoCloseable {
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final Path directory;
    private final Path source;
    private final List<SafetensorsFile> shards;
    private final Map<String, SafetensorsFile> byTensor;
    private final List<String> names;
    private final Arena ownedArena;

    private Checkpoint(Path directory, Path source, List<SafetensorsFile> shards,
                       Map<String, SafetensorsFile> byTensor, Arena ownedArena) {
        this.directory = directory;
        this.source = source;
        this.shards = List.copyOf(shards);
        this.byTensor = Collections.unmodifiableMap(byTensor);
        this.names = List.copyOf(byTensor.keySet());
        this.ownedArena = ownedArena;
    }

    /**
     * Opens a checkpoint folder (or a .safetensors file, or an index file) in a new shared arena
     * released by {@link #close()}. Like transformers, a folder's {@code model.safetensors} wins over
     * an index beside it.
     */
    public static Checkpoint open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            return open(path, arena, arena);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** As {@link #open(Path)}, mapping into the caller's arena, which {@link #close()} leaves open. */
    public static Checkpoint open(Path path, Arena arena) throws IOException {
        return open(path, arena, null);
    }

    private static Checkpoint open(Path path, Arena arena, Arena owned) throws IOException {
        Path source = locate(path);
        Path dir = source.toAbsolutePath().getParent();
        if (!source.getFileName().toString().equals(INDEX_FILE)) {
            SafetensorsFile file = SafetensorsFile.open(source, arena);
            Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
            for (String name : file.names()) {
                byTensor.put(name, file);
            }
            return new Checkpoint(dir, source, List.of(file), byTensor, owned);
        }
        SafetensorsIndex index = SafetensorsIndex.read(source);
        Map<Path, SafetensorsFile> opened = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : index.weightMap().entrySet()) {
            Path shard = e.getValue();
            if (!opened.containsKey(shard)) {
                if (!Files.isRegularFile(shard)) {
                    throw new ModelFormatException(source, e.getKey(), "shard file " + shard + " does not exist");
                }
                opened.put(shard, SafetensorsFile.open(shard, arena));
            }
        }
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : index.weightMap().entrySet()) {
            SafetensorsFile shard = opened.get(e.getValue());
            if (!shard.has(e.getKey())) {
                throw new ModelFormatException(source, e.getKey(),
                        "missing from " + shard.path() + ", the shard the index names");
            }
            byTensor.put(e.getKey(), shard);
        }
        return new Checkpoint(dir, source, new ArrayList<>(opened.values()), byTensor, owned);
    }

    private static Path locate(Path path) {
        if (Files.isRegularFile(path)) {
            return path;
        }
        if (!Files.isDirectory(path)) {
            throw new ModelFormatException(path, "no such checkpoint file or folder");
        }
        Path single = path.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) {
            return single;
        }
        Path index = path.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return index;
        }
        throw new ModelFormatException(path, "folder has neither " + SINGLE_FILE + " nor " + INDEX_FILE);
    }

    /** The model.safetensors or index file this checkpoint was read from. */
    @Override
    public Path path() {
        return source;
    }

    public Path directory() {
        return directory;
    }

    public boolean isSharded() {
        return source.getFileName().toString().equals(INDEX_FILE);
    }

    /** The opened files, in the order the index first names them. */
    public List<SafetensorsFile> shards() {
        return shards;
    }

    /** The file holding {@code name}. */
    public Path fileOf(String name) {
        return shard(name).path();
    }

    @Override
    public List<String> names() {
        return names;
    }

    @Override
    public boolean has(String name) {
        return byTensor.containsKey(name);
    }

    @Override
    public TensorInfo info(String name) {
        return shard(name).info(name);
    }

    @Override
    public MemorySegment slice(String name) {
        return shard(name).slice(name);
    }

    /** The union of the shards' {@code __metadata__} maps (first shard wins on conflicts). */
    public Map<String, String> metadata() {
        Map<String, String> merged = new LinkedHashMap<>();
        for (SafetensorsFile s : shards) {
            s.metadata().forEach(merged::putIfAbsent);
        }
        return Collections.unmodifiableMap(merged);
    }

    private SafetensorsFile shard(String name) {
        SafetensorsFile s = byTensor.get(name);
        if (s == null) {
            throw new ModelFormatException(source, name, "missing from this checkpoint");
        }
        return s;
    }

    @Override
    public void close() {
        if (ownedArena != null && ownedArena.scope().isAlive()) {
            ownedArena.close();
        }
    }

    @Override
    public String toString() {
        return "Checkpoint[" + source + ", " + shards.size() + " file(s), " + names.size() + " tensors]";
    }
}
