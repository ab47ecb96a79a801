package dev.lowbit.quant.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The parts of a Hugging Face {@code config.json} that a Llama-family decoder needs.
 *
 * @param attentionBias       q/k/v projections carry biases (o_proj too for Llama, see
 *                            {@link #outputProjectionBias()})
 * @param dtype               the stored weights' dtype ({@code dtype} or {@code torch_dtype}; F32 when absent)
 * @param quantizationConfig  the raw {@code quantization_config} object, if any
 */
public record ModelConfig(
        Architecture architecture,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        int vocabSize,
        double rmsNormEps,
        double ropeTheta,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        boolean mlpBias,
        DType dtype,
        int maxPositionEmbeddings,
        OptionalInt bosTokenId,
        List<Integer> eosTokenIds,
        Optional<JsonNode> quantizationConfig) {

    public static final String FILE_NAME = "config.json";

    public ModelConfig {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(dtype, "dtype");
        positive("hidden_size", hiddenSize);
        positive("intermediate_size", intermediateSize);
        positive("num_hidden_layers", numHiddenLayers);
        positive("num_attention_heads", numAttentionHeads);
        positive("num_key_value_heads", numKeyValueHeads);
        positive("head_dim", headDim);
        positive("vocab_size", vocabSize);
        positive("max_position_embeddings", maxPositionEmbeddings);
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + numAttentionHeads
                    + " is not a multiple of num_key_value_heads " + numKeyValueHeads);
        }
        if (!(rmsNormEps > 0) || !Double.isFinite(rmsNormEps)) {
            throw new IllegalArgumentException("rms_norm_eps must be positive, got " + rmsNormEps);
        }
        if (!(ropeTheta > 0) || !Double.isFinite(ropeTheta)) {
            throw new IllegalArgumentException("rope_theta must be positive, got " + ropeTheta);
        }
        eosTokenIds = List.copyOf(eosTokenIds);
        Objects.requireNonNull(bosTokenId, "bosTokenId");
        Objects.requireNonNull(quantizationConfig, "quantizationConfig");
    }

    private static void positive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }

    /** Reads {@code config.json} in {@code path} (a folder) or the file {@code path} itself. */
    public static ModelConfig load(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(FILE_NAME) : path;
        return parse(file, Files.readAllBytes(file));
    }

    /** Parses config JSON; {@code source} names the file in errors. */
    public static ModelConfig parse(Path source, byte[] json) {
        return ModelConfigParser.parse(source, json);
    }

    /** Width of the concatenated query heads (q_proj's output). */
    public int queryDim() {
        return numAttentionHeads * headDim;
    }

    /** Width of the concatenated key (or value) heads (k_proj's and v_proj's output). */
    public int keyValueDim() {
        return numKeyValueHeads * headDim;
    }

    /** Query heads per key/value head (grouped-query attention). */
    public int queryGroupSize() {
        return numAttentionHeads / numKeyValueHeads;
    }

    public boolean outputProjectionBias() {
        return attentionBias && architecture == Architecture.LLAMA;
    }

    public boolean isQuantized() {
        return quantizationConfig.isPresent();
    }

    /** The tensor names and shapes this config implies. */
    public LlamaWeights weights() {
        return new LlamaWeights(this);
    }
}
