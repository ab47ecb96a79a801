package dev.lowbit.quant.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ModelConfigTest {
    private static final Path SOURCE = Path.of("/models/x/config.json");

    private static ModelConfig parse(String json) {
        return ModelConfig.parse(SOURCE, json.getBytes(StandardCharsets.UTF_8));
    }

    private static String llama(String extra) {
        return """
                {"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":256,
                 "intermediate_size":688,"num_hidden_layers":2,"num_attention_heads":8,"vocab_size":1000%s}"""
                .formatted(extra);
    }

    private static ModelFormatException rejects(String json, String detail) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> parse(json));
        assertEquals(SOURCE, e.file());
        assertTrue(e.getMessage().contains(SOURCE.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(detail), e.getMessage());
        return e;
    }

    @Test
    void tinyFixtureConfigTransformers5Style() throws Exception {
        ModelConfig c = ModelConfig.load(TestFiles.tiny());
        assertEquals(Architecture.LLAMA, c.architecture());
        assertEquals(128, c.hiddenSize());
        assertEquals(384, c.intermediateSize());
        assertEquals(4, c.numHiddenLayers());
        assertEquals(4, c.numAttentionHeads());
        assertEquals(2, c.numKeyValueHeads());
        assertEquals(32, c.headDim());
        assertEquals(8192, c.vocabSize());
        assertEquals(1e-5, c.rmsNormEps());
        assertEquals(10000.0, c.ropeTheta());
        assertFalse(c.tieWordEmbeddings());
        assertFalse(c.attentionBias());
        assertFalse(c.mlpBias());
        assertEquals(DType.BF16, c.dtype());
        assertEquals(2048, c.maxPositionEmbeddings());
        assertEquals(OptionalInt.of(1), c.bosTokenId());
        assertEquals(List.of(2), c.eosTokenIds());
        assertFalse(c.isQuantized());
        assertEquals(2, c.queryGroupSize());
        assertEquals(64, c.keyValueDim());
    }

    @Test
    void defaultsAndTopLevelRopeTheta() {
        ModelConfig c = parse(llama(",\"rope_theta\":500000.0,\"torch_dtype\":\"float16\",\"rope_scaling\":null,\"head_dim\":null"));
        assertEquals(8, c.numKeyValueHeads());
        assertEquals(32, c.headDim());
        assertEquals(500000.0, c.ropeTheta());
        assertEquals(DType.F16, c.dtype());
        assertEquals(1e-6, c.rmsNormEps());
        assertEquals(List.of(), c.eosTokenIds());
        assertEquals(10000.0, parse(llama("")).ropeTheta());
        assertEquals(DType.F32, parse(llama("")).dtype());
    }

    @Test
    void ropeParametersWinAndDefaultTypeIsAccepted() {
        ModelConfig c = parse(llama(",\"rope_theta\":1.0,\"rope_parameters\":{\"rope_theta\":250000,\"rope_type\":\"default\"}"));
        assertEquals(250000.0, c.ropeTheta());
        parse(llama(",\"rope_scaling\":{\"type\":\"none\"}"));
    }

    @Test
    void explicitHeadDimNeedNotDivideHidden() {
        ModelConfig c = parse(llama(",\"num_attention_heads\":3,\"num_key_value_heads\":1,\"head_dim\":64")
                .replace("\"num_attention_heads\":8,", ""));
        assertEquals(64, c.headDim());
        assertEquals(192, c.queryDim());
    }

    @Test
    void mistralAndQwen2() {
        ModelConfig m = parse(llama(",\"num_key_value_heads\":2,\"attention_bias\":true,\"eos_token_id\":[2,7]")
                .replace("LlamaForCausalLM", "MistralForCausalLM").replace("\"llama\"", "\"mistral\""));
        assertEquals(Architecture.MISTRAL, m.architecture());
        assertFalse(m.attentionBias(), "Mistral has no biases whatever the file says");
        assertEquals(List.of(2, 7), m.eosTokenIds());
        ModelConfig q = parse(llama(",\"tie_word_embeddings\":true,\"quantization_config\":{\"bits\":4}")
                .replace("LlamaForCausalLM", "Qwen2ForCausalLM"));
        assertEquals(Architecture.QWEN2, q.architecture());
        assertTrue(q.attentionBias());
        assertFalse(q.outputProjectionBias());
        assertTrue(q.tieWordEmbeddings());
        assertEquals(4, q.quantizationConfig().orElseThrow().get("bits").intValue());
        assertEquals(Architecture.LLAMA, parse(llama("").replace("\"architectures\":[\"LlamaForCausalLM\"],", "")).architecture());
    }

    @Test
    void unsupportedArchitecture() {
        rejects(llama("").replace("LlamaForCausalLM", "GPT2LMHeadModel"),
                "unsupported architecture GPT2LMHeadModel (supported: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM)");
        rejects(llama("").replace("\"architectures\":[\"LlamaForCausalLM\"],", "").replace("\"llama\"", "\"gemma\""),
                "unsupported architecture of model_type gemma");
        rejects(llama("").replace("\"architectures\":[\"LlamaForCausalLM\"],", "").replace("\"model_type\":\"llama\",", ""),
                "unsupported architecture (neither 'architectures' nor 'model_type' is given)");
    }

    @Test
    void unsupportedRopeScaling() {
        rejects(llama(",\"rope_scaling\":{\"rope_type\":\"llama3\",\"factor\":8.0}"), "rope_scaling type 'llama3' is not supported");
        rejects(llama(",\"rope_parameters\":{\"rope_theta\":1e4,\"rope_type\":\"yarn\"}"), "rope_parameters type 'yarn' is not supported");
        rejects(llama(",\"rope_scaling\":{\"factor\":8.0}"), "rope_scaling type 'null' is not supported");
    }

    @Test
    void inconsistentSizes() {
        rejects(llama(",\"num_attention_heads\":7").replace("\"num_attention_heads\":8,", ""),
                "hidden_size 256 is not divisible by num_attention_heads 7");
        rejects(llama(",\"num_key_value_heads\":3"), "num_attention_heads 8 is not a multiple of num_key_value_heads 3");
        rejects(llama(",\"num_key_value_heads\":0"), "num_key_value_heads must be positive");
        rejects(llama("").replace("\"vocab_size\":1000", "\"vocab_size\":-1"), "vocab_size must be positive");
        rejects(llama("").replace(",\"vocab_size\":1000", ""), "'vocab_size' is missing");
        rejects(llama("").replace("\"hidden_size\":256", "\"hidden_size\":\"256\""), "'hidden_size' must be an integer");
        rejects(llama(",\"hidden_act\":\"gelu\""), "hidden_act 'gelu' is not supported");
        rejects("[]", "config is not a JSON object");
    }
}
