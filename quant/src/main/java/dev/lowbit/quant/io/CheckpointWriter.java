package dev.lowbit.quant.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Writes a checkpoint folder the way transformers lays it out: one {@code model.safetensors} when
 * the tensors fit in one shard, otherwise {@code model-0000i-of-0000n.safetensors} files plus
 * {@code model.safetensors.index.json}. Each file is written atomically and the index last, so a
 * reader never sees an index naming shards that are not there yet. Files of an earlier checkpoint
 * of the other layout (or another shard count) in the folder are removed afterwards.
 */
public final class CheckpointWriter implements TensorSink {
    public static final long DEFAULT_MAX_SHARD_BYTES = 4L << 30;
    private static final Pattern SHARD_NAME = Pattern.compile("model-\\d{5}-of-\\d{5}\\.safetensors");

    private final Path directory;
    private final Map<String, PendingTensor> tensors = new TreeMap<>();
    // transformers refuses to load a safetensors file whose metadata lacks a known "format".
    private final Map<String, String> metadata = new TreeMap<>(Map.of("format", "pt"));
    private long maxShardBytes = DEFAULT_MAX_SHARD_BYTES;

    public CheckpointWriter(Path directory) {
        this.directory = directory;
    }

    /** Shards are started before a tensor that would push the current one past this many data bytes. */
    public CheckpointWriter maxShardBytes(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive, got " + bytes);
        }
        this.maxShardBytes = bytes;
        return this;
    }

    /** Adds an entry to every file's {@code __metadata__} (default: format=pt). */
    public CheckpointWriter metadata(String key, String value) {
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

    /** Writes the files and returns them (shards then index, or the single file). */
    public List<Path> write() throws IOException {
        Files.createDirectories(directory);
        List<List<PendingTensor>> shards = plan();
        if (shards.size() == 1) {
            Path single = directory.resolve(Checkpoint.SINGLE_FILE);
            SafetensorsWriter.write(single, shards.getFirst(), metadata);
            Files.deleteIfExists(directory.resolve(Checkpoint.INDEX_FILE));
            removeStaleShards(Set.of());
            return List.of(single);
        }
        List<Path> written = new ArrayList<>();
        ObjectNode index = Json.MAPPER.createObjectNode();
        ObjectNode indexMetadata = index.putObject("metadata");
        // Shards follow name order, so this map comes out sorted by name, as transformers writes it.
        ObjectNode weightMap = index.putObject("weight_map");
        long totalSize = 0;
        for (int i = 0; i < shards.size(); i++) {
            String fileName = String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, shards.size());
            Path shard = directory.resolve(fileName);
            SafetensorsWriter.write(shard, shards.get(i), metadata);
            written.add(shard);
            for (PendingTensor t : shards.get(i)) {
                weightMap.put(t.name(), fileName);
                totalSize += t.byteSize();
            }
        }
        indexMetadata.put("total_size", totalSize);
        Files.deleteIfExists(directory.resolve(Checkpoint.SINGLE_FILE));
        Path indexFile = directory.resolve(Checkpoint.INDEX_FILE);
        AtomicFiles.write(indexFile, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(index));
        removeStaleShards(new HashSet<>(written));
        written.add(indexFile);
        return written;
    }

    /** Greedy in name order, so a layer's tensors stay together; an oversized tensor gets a shard of its own. */
    private List<List<PendingTensor>> plan() {
        List<List<PendingTensor>> shards = new ArrayList<>();
        List<PendingTensor> current = new ArrayList<>();
        long currentBytes = 0;
        for (PendingTensor t : tensors.values()) {
            if (!current.isEmpty() && currentBytes + t.byteSize() > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(t);
            currentBytes += t.byteSize();
        }
        shards.add(current);
        return shards;
    }

    private void removeStaleShards(Set<Path> keep) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path f : files) {
                if (SHARD_NAME.matcher(f.getFileName().toString()).matches() && !keep.contains(f)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
