package dev.lowbit.quant.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parsed {@code model.safetensors.index.json}.
 *
 * @param weightMap tensor name to shard file, resolved against the index's folder, in index order
 */
record SafetensorsIndex(Path file, Map<String, Path> weightMap) {

    static SafetensorsIndex read(Path indexFile) throws IOException {
        ObjectNode root = Json.readObject(indexFile, Files.readAllBytes(indexFile), "index");
        JsonNode map = root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new ModelFormatException(indexFile, "index has no 'weight_map' object");
        }
        Path dir = indexFile.toAbsolutePath().getParent();
        Map<String, Path> weightMap = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            if (!e.getValue().isTextual()) {
                throw new ModelFormatException(indexFile, e.getKey(), "weight_map value is not a file name: " + e.getValue());
            }
            weightMap.put(e.getKey(), resolveShard(indexFile, dir, e.getKey(), e.getValue().textValue()));
        }
        return new SafetensorsIndex(indexFile, Collections.unmodifiableMap(weightMap));
    }

    /** Shards must live in the index's folder: a name like "../x" is an error, not a path to follow. */
    private static Path resolveShard(Path indexFile, Path dir, String tensor, String shardName) {
        Path shard = dir.resolve(shardName).normalize();
        if (shardName.isEmpty() || !dir.equals(shard.getParent())) {
            throw new ModelFormatException(indexFile, tensor, "shard name '" + shardName + "' is not a file in " + dir);
        }
        return shard;
    }
}
