package dev.lowbit.quant.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    private static final String UP3 = "model.layers.3.mlp.up_proj.weight";

    @BeforeEach
    void twoShards() throws Exception {
        SafetensorsWriter a = new SafetensorsWriter();
        a.add("model.embed_tokens.weight", DType.BF16, new long[] {4, 2}, new byte[16]);
        a.add(UP3, DType.F32, new long[] {2, 2}, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        a.write(dir.resolve("model-00001-of-00002.safetensors"));
        SafetensorsWriter b = new SafetensorsWriter();
        b.add("lm_head.weight", DType.BF16, new long[] {4, 2}, new byte[16]);
        b.write(dir.resolve("model-00002-of-00002.safetensors"));
    }

    private void index(String weightMap) throws Exception {
        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE),
                "{\"metadata\":{\"total_size\":64},\"weight_map\":{" + weightMap + "}}");
    }

    @Test
    void readsShardsThroughTheIndex() throws Exception {
        index("\"lm_head.weight\":\"model-00002-of-00002.safetensors\","
                + "\"model.embed_tokens.weight\":\"model-00001-of-00002.safetensors\","
                + "\"" + UP3 + "\":\"model-00001-of-00002.safetensors\"");
        try (Checkpoint c = Checkpoint.open(dir)) {
            assertTrue(c.isSharded());
            assertEquals(dir.resolve(Checkpoint.INDEX_FILE), c.path());
            assertEquals(List.of("lm_head.weight", "model.embed_tokens.weight", UP3), c.names());
            assertEquals(2, c.shards().size());
            assertTrue(c.has(UP3));
            assertFalse(c.has("nope"));
            assertArrayEquals(new long[] {2, 2}, c.info(UP3).shape());
            assertEquals(16, c.slice(UP3).byteSize());
            assertEquals(5, c.slice(UP3).get(ValueLayout.JAVA_BYTE, 4));
            assertEquals(dir.resolve("model-00002-of-00002.safetensors"), c.fileOf("lm_head.weight"));
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> c.slice("nope"));
            assertEquals("nope", e.tensor());
            assertTrue(e.getMessage().contains(c.path().toString()), e.getMessage());
        }
    }

    @Test
    void singleFileWinsOverIndex() throws Exception {
        Files.copy(dir.resolve("model-00002-of-00002.safetensors"), dir.resolve(Checkpoint.SINGLE_FILE));
        index("\"x\":\"missing.safetensors\"");
        try (Checkpoint c = Checkpoint.open(dir)) {
            assertFalse(c.isSharded());
            assertEquals(List.of("lm_head.weight"), c.names());
        }
        try (Checkpoint c = Checkpoint.open(dir.resolve(Checkpoint.SINGLE_FILE))) {
            assertEquals(List.of("lm_head.weight"), c.names());
        }
    }

    @Test
    void tensorMissingFromItsShard() throws Exception {
        index("\"" + UP3 + "\":\"model-00002-of-00002.safetensors\"");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Checkpoint.open(dir));
        assertEquals(UP3, e.tensor());
        assertEquals(dir.resolve(Checkpoint.INDEX_FILE), e.file());
        assertTrue(e.getMessage().contains("tensor " + UP3), e.getMessage());
        assertTrue(e.getMessage().contains("missing from " + dir.resolve("model-00002-of-00002.safetensors")), e.getMessage());
    }

    @Test
    void missingShardFile() throws Exception {
        index("\"" + UP3 + "\":\"model-00001-of-00002.safetensors\",\"extra.weight\":\"model-00003-of-00003.safetensors\"");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Checkpoint.open(dir));
        assertEquals("extra.weight", e.tensor());
        assertTrue(e.getMessage().contains(dir.resolve(Checkpoint.INDEX_FILE).toString()), e.getMessage());
        assertTrue(e.getMessage().contains("model-00003-of-00003.safetensors does not exist"), e.getMessage());
    }

    @Test
    void shardOutsideTheFolderIsRejected() throws Exception {
        index("\"" + UP3 + "\":\"../model-00001-of-00002.safetensors\"");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Checkpoint.open(dir));
        assertTrue(e.getMessage().contains("is not a file in"), e.getMessage());
    }

    @Test
    void badIndexAndEmptyFolder() throws Exception {
        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), "{\"metadata\":{}}");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Checkpoint.open(dir));
        assertTrue(e.getMessage().contains("no 'weight_map'"), e.getMessage());
        Path empty = Files.createDirectory(dir.resolve("empty"));
        e = assertThrows(ModelFormatException.class, () -> Checkpoint.open(empty));
        assertTrue(e.getMessage().contains(empty.toString()) && e.getMessage().contains("neither"), e.getMessage());
    }

    @Test
    void badShardNamesTheShard() throws Exception {
        Files.write(dir.resolve("model-00002-of-00002.safetensors"), new byte[] {1});
        index("\"lm_head.weight\":\"model-00002-of-00002.safetensors\"");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Checkpoint.open(dir));
        assertEquals(dir.resolve("model-00002-of-00002.safetensors"), e.file());
    }
}
