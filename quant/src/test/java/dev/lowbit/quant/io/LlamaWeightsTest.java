package dev.lowbit.quant.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaWeightsTest {
    @TempDir
    Path dir;

    private static ModelConfig config(String arch, String extra) {
        String json = """
                {"architectures":["%s"],"hidden_size":64,"intermediate_size":96,"num_hidden_layers":2,
                 "num_attention_heads":4,"num_key_value_heads":2,"vocab_size":50%s}""".formatted(arch, extra);
        return ModelConfig.parse(Path.of("config.json"), json.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a checkpoint with exactly the tensors {@code config} expects, except {@code skip}, reshaping {@code bad}. */
    private Checkpoint checkpoint(ModelConfig config, String skip, String bad) throws Exception {
        CheckpointWriter w = new CheckpointWriter(dir);
        for (WeightSpec s : config.weights().all()) {
            if (s.name().equals(skip)) {
                continue;
            }
            long[] shape = s.name().equals(bad) ? new long[] {s.shape()[0], s.shape()[1] + 1} : s.shape();
            w.add(s.name(), DType.BF16, shape, new byte[(int) Shapes.elementCount(shape) * 2]);
        }
        w.add("model.rotary_emb.inv_freq", DType.F32, new long[] {8}, new byte[32]);
        w.write();
        return Checkpoint.open(dir);
    }

    @Test
    void llamaLayerNamesAndShapes() {
        LlamaWeights w = config("LlamaForCausalLM", "").weights();
        assertEquals(List.of(
                new WeightSpec("model.layers.1.input_layernorm.weight", 64),
                new WeightSpec("model.layers.1.self_attn.q_proj.weight", 64, 64),
                new WeightSpec("model.layers.1.self_attn.k_proj.weight", 32, 64),
                new WeightSpec("model.layers.1.self_attn.v_proj.weight", 32, 64),
                new WeightSpec("model.layers.1.self_attn.o_proj.weight", 64, 64),
                new WeightSpec("model.layers.1.mlp.gate_proj.weight", 96, 64),
                new WeightSpec("model.layers.1.mlp.up_proj.weight", 96, 64),
                new WeightSpec("model.layers.1.mlp.down_proj.weight", 64, 96),
                new WeightSpec("model.layers.1.post_attention_layernorm.weight", 64)), w.layer(1));
        assertEquals(List.of(
                new WeightSpec("model.embed_tokens.weight", 50, 64),
                new WeightSpec("model.norm.weight", 64),
                new WeightSpec("lm_head.weight", 50, 64)), w.globals());
        assertEquals(3 + 2 * 9, w.all().size());
        assertThrows(IndexOutOfBoundsException.class, () -> w.layer(2));
        assertEquals("model.layers.0.mlp.down_proj", Projection.DOWN.modulePath(0));
    }

    @Test
    void qwen2HasQkvBiasesAndTiedHasNoHead() {
        ModelConfig c = config("Qwen2ForCausalLM", ",\"tie_word_embeddings\":true");
        List<String> names = c.weights().layer(0).stream().map(WeightSpec::name).toList();
        assertTrue(names.contains("model.layers.0.self_attn.q_proj.bias"));
        assertTrue(names.contains("model.layers.0.self_attn.k_proj.bias"));
        assertTrue(names.contains("model.layers.0.self_attn.v_proj.bias"));
        assertFalse(names.contains("model.layers.0.self_attn.o_proj.bias"));
        assertArrayEquals(new long[] {32}, c.weights().projection(0, Projection.V).get(1).shape());
        assertFalse(c.weights().globals().stream().anyMatch(s -> s.name().equals(LlamaWeights.LM_HEAD)));

        ModelConfig llamaBias = config("LlamaForCausalLM", ",\"attention_bias\":true,\"mlp_bias\":true");
        assertEquals(9 + 7, llamaBias.weights().layer(0).size(), "Llama biases on all seven projections");
    }

    @Test
    void validateAcceptsMatchingCheckpoint() throws Exception {
        ModelConfig c = config("Qwen2ForCausalLM", "");
        try (Checkpoint ckpt = checkpoint(c, null, null)) {
            c.weights().validateAgainst(ckpt);
        }
    }

    @Test
    void validateReportsMissingTensor() throws Exception {
        ModelConfig c = config("LlamaForCausalLM", "");
        String missing = "model.layers.1.mlp.up_proj.weight";
        try (Checkpoint ckpt = checkpoint(c, missing, null)) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> c.weights().validateAgainst(ckpt));
            assertEquals(missing, e.tensor());
            assertEquals(dir.resolve(Checkpoint.SINGLE_FILE), e.file());
            assertTrue(e.getMessage().contains(dir.resolve(Checkpoint.SINGLE_FILE).toString()), e.getMessage());
            assertTrue(e.getMessage().contains("tensor " + missing + " missing (expected shape [96, 64])"), e.getMessage());
        }
    }

    @Test
    void validateReportsShapeMismatch() throws Exception {
        ModelConfig c = config("LlamaForCausalLM", "");
        String bad = "model.layers.0.self_attn.k_proj.weight";
        try (Checkpoint ckpt = checkpoint(c, null, bad)) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> c.weights().validateAgainst(ckpt));
            assertEquals(bad, e.tensor());
            assertTrue(e.getMessage().contains("tensor " + bad + " has shape [32, 65], expected [32, 64]"), e.getMessage());
        }
    }

    @Test
    void tinyCheckpointAgainstAWrongConfig() throws Exception {
        ModelConfig wrongKv = ModelConfig.parse(Path.of("config.json"), """
                {"architectures":["LlamaForCausalLM"],"hidden_size":128,"intermediate_size":384,"num_hidden_layers":4,
                 "num_attention_heads":4,"vocab_size":8192}""".getBytes(StandardCharsets.UTF_8));
        try (Checkpoint ckpt = Checkpoint.open(TestFiles.tiny())) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> wrongKv.weights().validateAgainst(ckpt));
            assertEquals("model.layers.0.self_attn.k_proj.weight", e.tensor());
            assertTrue(e.getMessage().contains("has shape [64, 128], expected [128, 128]"), e.getMessage());
            assertTrue(e.getMessage().contains("model.layers.3.self_attn.v_proj.weight"), e.getMessage());
        }
    }
}
