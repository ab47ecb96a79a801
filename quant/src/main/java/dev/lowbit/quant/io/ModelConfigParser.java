package dev.lowbit.quant.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Turns config.json into a {@link ModelConfig}; every error names the file and the key. */
final class ModelConfigParser {
    private static final double DEFAULT_ROPE_THETA = 10000.0;
    private static final double DEFAULT_RMS_NORM_EPS = 1e-6;

    private final Path file;
    private final ObjectNode root;

    private ModelConfigParser(Path file, ObjectNode root) {
        this.file = file;
        this.root = root;
    }

    static ModelConfig parse(Path file, byte[] json) {
        return new ModelConfigParser(file, Json.readObject(file, json, "config")).parse();
    }

    private ModelConfig parse() {
        Architecture arch = architecture();
        String act = optionalText("hidden_act");
        if (act != null && !act.equals("silu")) {
            throw error("hidden_act '" + act + "' is not supported (supported: silu)");
        }
        int hidden = requiredInt("hidden_size");
        int heads = requiredInt("num_attention_heads");
        int headDim;
        if (Json.absent(root, "head_dim")) {
            if (heads <= 0) {
                throw error("num_attention_heads must be positive, got " + heads);
            }
            if (hidden % heads != 0) {
                throw error("hidden_size " + hidden + " is not divisible by num_attention_heads " + heads
                        + " and no head_dim is given");
            }
            headDim = hidden / heads;
        } else {
            headDim = requiredInt("head_dim");
        }
        boolean attentionBias = switch (arch) {
            case LLAMA -> optionalBool("attention_bias", false);
            case MISTRAL -> false;
            case QWEN2 -> true;
        };
        boolean mlpBias = arch == Architecture.LLAMA && optionalBool("mlp_bias", false);
        try {
            return new ModelConfig(arch, hidden, requiredInt("intermediate_size"), requiredInt("num_hidden_layers"),
                    heads, optionalInt("num_key_value_heads", heads), headDim, requiredInt("vocab_size"),
                    optionalDouble(root, "rms_norm_eps", DEFAULT_RMS_NORM_EPS), ropeTheta(),
                    optionalBool("tie_word_embeddings", false), attentionBias, mlpBias, dtype(),
                    optionalInt("max_position_embeddings", arch.defaultMaxPositions()),
                    Json.absent(root, "bos_token_id") ? OptionalInt.empty() : OptionalInt.of(requiredInt("bos_token_id")),
                    eosTokenIds(), quantizationConfig());
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, null, e.getMessage(), e);
        }
    }

    private Architecture architecture() {
        JsonNode archs = root.get("architectures");
        if (archs != null && archs.isArray() && !archs.isEmpty()) {
            String name = archs.get(0).asText();
            return Architecture.fromClassName(name).orElseThrow(() -> unsupported(name));
        }
        String modelType = optionalText("model_type");
        if (modelType != null) {
            return Architecture.fromModelType(modelType).orElseThrow(() -> unsupported("of model_type " + modelType));
        }
        throw unsupported("(neither 'architectures' nor 'model_type' is given)");
    }

    private ModelFormatException unsupported(String what) {
        return error("unsupported architecture " + what + " (supported: " + Architecture.supportedNames() + ")");
    }

    /** transformers 5 moved rope_theta into rope_parameters; older files have it at the top level. */
    private double ropeTheta() {
        double theta = optionalDouble(root, "rope_theta", DEFAULT_ROPE_THETA);
        JsonNode params = root.get("rope_parameters");
        if (params != null && !params.isNull()) {
            if (!params.isObject()) {
                throw error("rope_parameters is not an object");
            }
            for (Map.Entry<String, JsonNode> e : params.properties()) {
                if (e.getValue().isObject()) {
                    throw error("rope_parameters per layer type ('" + e.getKey() + "') is not supported");
                }
            }
            checkRopeType(params, "rope_parameters", true);
            theta = optionalDouble(params, "rope_theta", theta);
        }
        JsonNode scaling = root.get("rope_scaling");
        if (scaling != null && !scaling.isNull()) {
            if (!scaling.isObject()) {
                throw error("rope_scaling is not an object");
            }
            checkRopeType(scaling, "rope_scaling", false);
        }
        return theta;
    }

    private void checkRopeType(JsonNode node, String key, boolean missingMeansDefault) {
        JsonNode type = node.has("rope_type") ? node.get("rope_type") : node.get("type");
        String name = type == null || type.isNull() ? null : type.asText();
        if (name == null ? !missingMeansDefault : !(name.equals("default") || name.equals("none"))) {
            throw error(key + " type '" + name + "' is not supported (supported: default)");
        }
    }

    private DType dtype() {
        String name = optionalText("dtype");
        if (name == null) {
            name = optionalText("torch_dtype");
        }
        if (name == null) {
            return DType.F32;
        }
        return switch (name) {
            case "float32", "float" -> DType.F32;
            case "float16", "half" -> DType.F16;
            case "bfloat16" -> DType.BF16;
            case "float64", "double" -> DType.F64;
            default -> throw error("dtype '" + name + "' is not supported (supported: float32, float16, bfloat16)");
        };
    }

    /** eos_token_id is an int or a list of ints. */
    private List<Integer> eosTokenIds() {
        JsonNode node = root.get("eos_token_id");
        List<Integer> ids = new ArrayList<>();
        if (node == null || node.isNull()) {
            return ids;
        }
        if (node.isArray()) {
            for (JsonNode n : node) {
                ids.add(intValue("eos_token_id", n));
            }
        } else {
            ids.add(intValue("eos_token_id", node));
        }
        return ids;
    }

    private Optional<JsonNode> quantizationConfig() {
        JsonNode node = root.get("quantization_config");
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node.deepCopy());
    }

    private int requiredInt(String key) {
        if (Json.absent(root, key)) {
            throw error("'" + key + "' is missing");
        }
        return intValue(key, root.get(key));
    }

    private int optionalInt(String key, int fallback) {
        return Json.absent(root, key) ? fallback : intValue(key, root.get(key));
    }

    private int intValue(String key, JsonNode n) {
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw error("'" + key + "' must be an integer, got " + n);
        }
        return n.intValue();
    }

    private double optionalDouble(JsonNode parent, String key, double fallback) {
        if (Json.absent(parent, key)) {
            return fallback;
        }
        JsonNode n = parent.get(key);
        if (!n.isNumber()) {
            throw error("'" + key + "' must be a number, got " + n);
        }
        return n.doubleValue();
    }

    private boolean optionalBool(String key, boolean fallback) {
        if (Json.absent(root, key)) {
            return fallback;
        }
        JsonNode n = root.get(key);
        if (!n.isBoolean()) {
            throw error("'" + key + "' must be true or false, got " + n);
        }
        return n.booleanValue();
    }

    private String optionalText(String key) {
        if (Json.absent(root, key)) {
            return null;
        }
        JsonNode n = root.get(key);
        if (!n.isTextual()) {
            throw error("'" + key + "' must be a string, got " + n);
        }
        return n.textValue();
    }

    private ModelFormatException error(String detail) {
        return new ModelFormatException(file, detail);
    }
}
