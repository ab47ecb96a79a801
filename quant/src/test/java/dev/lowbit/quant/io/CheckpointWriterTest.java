package dev.lowbit.quant.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointWriterTest {
    @TempDir
    Path dir;

    private static void addAll(TensorSink sink, Map<String, Object[]> tensors) {
        tensors.forEach((name, v) -> sink.add(name, (DType) v[0], (long[]) v[1], (byte[]) v[2]));
    }

    private static void assertSameTensors(Map<String, Object[]> expected, Checkpoint c) {
        assertEquals(expected.keySet().stream().sorted().toList(), c.names().stream().sorted().toList());
        expected.forEach((name, v) -> {
            assertEquals(v[0], c.info(name).dtype());
            assertArrayEquals((long[]) v[1], c.info(name).shape());
            assertArrayEquals((byte[]) v[2], c.slice(name).toArray(ValueLayout.JAVA_BYTE), name);
        });
    }

    private List<String> fileNames() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void smallCheckpointIsOneFile() throws Exception {
        Map<String, Object[]> tensors = SafetensorsWriterTest.allDtypes(new Random(3));
        CheckpointWriter w = new CheckpointWriter(dir);
        addAll(w, tensors);
        assertEquals(List.of(dir.resolve(Checkpoint.SINGLE_FILE)), w.write());
        assertEquals(List.of(Checkpoint.SINGLE_FILE), fileNames());
        try (Checkpoint c = Checkpoint.open(dir)) {
            assertFalse(c.isSharded());
            assertEquals("pt", c.metadata().get("format"));
            assertSameTensors(tensors, c);
        }
    }

    @Test
    void largeCheckpointIsShardedWithIndex() throws Exception {
        Map<String, Object[]> tensors = SafetensorsWriterTest.allDtypes(new Random(4));
        CheckpointWriter w = new CheckpointWriter(dir).maxShardBytes(100).metadata("by", "lowbit");
        addAll(w, tensors);
        List<Path> written = w.write();
        assertEquals(dir.resolve(Checkpoint.INDEX_FILE), written.getLast());
        int shards = written.size() - 1;
        assertTrue(shards > 2, "shards: " + shards);
        assertTrue(fileNames().contains(String.format("model-%05d-of-%05d.safetensors", shards, shards)));

        JsonNode index = Json.MAPPER.readTree(dir.resolve(Checkpoint.INDEX_FILE).toFile());
        long total = tensors.values().stream().mapToLong(v -> ((byte[]) v[2]).length).sum();
        assertEquals(total, index.get("metadata").get("total_size").longValue());
        List<String> mapped = new ArrayList<>();
        index.get("weight_map").fieldNames().forEachRemaining(mapped::add);
        assertEquals(tensors.keySet().stream().sorted().toList(), mapped, "weight_map sorted by name");

        try (Checkpoint c = Checkpoint.open(dir)) {
            assertTrue(c.isSharded());
            assertEquals(shards, c.shards().size());
            assertEquals("lowbit", c.metadata().get("by"));
            assertSameTensors(tensors, c);
            for (SafetensorsFile s : c.shards()) {
                long bytes = s.tensors().stream().mapToLong(TensorInfo::byteSize).sum();
                assertTrue(bytes <= 100 || s.tensors().size() == 1, s + " holds " + bytes + " bytes");
            }
        }
    }

    @Test
    void rewritingReplacesTheOtherLayout() throws Exception {
        Map<String, Object[]> tensors = SafetensorsWriterTest.allDtypes(new Random(5));
        CheckpointWriter sharded = new CheckpointWriter(dir).maxShardBytes(100);
        addAll(sharded, tensors);
        sharded.write();
        Files.writeString(dir.resolve("config.json"), "{}");

        CheckpointWriter single = new CheckpointWriter(dir);
        addAll(single, tensors);
        single.write();
        assertEquals(List.of("config.json", Checkpoint.SINGLE_FILE), fileNames());

        CheckpointWriter again = new CheckpointWriter(dir).maxShardBytes(100);
        addAll(again, tensors);
        again.write();
        assertFalse(fileNames().contains(Checkpoint.SINGLE_FILE));
        try (Checkpoint c = Checkpoint.open(dir)) {
            assertSameTensors(tensors, c);
        }
    }

    @Test
    void copiesTheTinyFixtureBitExactIntoShards() throws Exception {
        try (Checkpoint src = Checkpoint.open(TestFiles.tiny())) {
            CheckpointWriter w = new CheckpointWriter(dir).maxShardBytes(1 << 20);
            for (String name : src.names()) {
                w.copyFrom(src, name);
            }
            w.write();
            try (Checkpoint copy = Checkpoint.open(dir)) {
                assertTrue(copy.isSharded());
                assertEquals(src.names().stream().sorted().toList(), copy.names());
                for (String name : src.names()) {
                    assertEquals(src.info(name).dtype(), copy.info(name).dtype());
                    assertArrayEquals(src.info(name).shape(), copy.info(name).shape());
                    assertEquals(-1, src.slice(name).mismatch(copy.slice(name)), name);
                }
            }
        }
    }
}
