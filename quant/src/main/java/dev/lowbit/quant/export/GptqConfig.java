package dev.lowbit.quant.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowbit.quant.io.ModelFormatException;
import dev.lowbit.quant.method.rtn.RtnConfig;
import java.nio.file.Path;

/**
 * The settings a GPTQ checkpoint declares in {@code quantization_config} and {@code quantize_config.json}.
 *
 * @param groupSize input columns per scale, or {@link #PER_CHANNEL} (-1) for one group per output row
 */
public record GptqConfig(int bits, long groupSize, boolean symmetric, GptqFormat format) {
    public static final long PER_CHANNEL = -1;
    public static final String QUANT_METHOD = "gptq";

    public GptqConfig {
        if (bits != 2 && bits != 3 && bits != 4 && bits != 8) {
            throw new IllegalArgumentException("GPTQ packing supports bits 2, 3, 4 and 8, got " + bits);
        }
        if (groupSize <= 0) groupSize = PER_CHANNEL;
        if (format == null) throw new IllegalArgumentException("format is null (expected GptqFormat.V1 or V2)");
    }

    /** The GPTQ declaration of RTN-quantized weights (RTN's per-channel group size 0 becomes -1). */
    public static GptqConfig of(RtnConfig rtn, GptqFormat format) {
        return new GptqConfig(rtn.bits(), rtn.groupSize(), rtn.symmetric(), format);
    }

    public boolean perChannel() {
        return groupSize == PER_CHANNEL;
    }

    /** Groups per row of a linear with {@code in} input columns. */
    public long groupsFor(long in) {
        return perChannel() ? 1 : (in + groupSize - 1) / groupSize;
    }

    /** Group of input column {@code i}. */
    public int groupOf(int i) {
        return perChannel() ? 0 : (int) (i / groupSize);
    }

    /** The object written as {@code quantization_config} and as {@code quantize_config.json}. */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("quant_method", QUANT_METHOD);
        node.put("bits", bits);
        node.put("group_size", groupSize);
        node.put("sym", symmetric);
        node.put("desc_act", false);
        node.put("checkpoint_format", format.checkpointFormat());
        return node;
    }

    /**
     * Reads a {@code quantization_config}; {@code file} names the config in errors. A missing
     * checkpoint_format means v1, the original GPTQ layout.
     */
    public static GptqConfig fromJson(Path file, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new ModelFormatException(file, "quantization_config is missing or not an object");
        }
        String method = text(node, "quant_method");
        if (!QUANT_METHOD.equals(method)) {
            throw new ModelFormatException(file, "quantization_config.quant_method is " + (method == null ? "missing" : "'" + method + "'")
                    + " (expected 'gptq')");
        }
        JsonNode bits = node.get("bits");
        if (bits == null || !bits.canConvertToInt() || !bits.isIntegralNumber()) {
            throw new ModelFormatException(file, "quantization_config.bits is " + bits + " (expected 2, 3, 4 or 8)");
        }
        JsonNode group = node.get("group_size");
        if (group == null || !group.isIntegralNumber() || group.asLong() == 0 || group.asLong() < -1) {
            throw new ModelFormatException(file, "quantization_config.group_size is " + group + " (expected -1 or a positive integer)");
        }
        String formatName = text(node, "checkpoint_format");
        if (formatName == null) formatName = text(node, "format");
        String name = formatName;
        GptqFormat format = name == null ? GptqFormat.V1 : GptqFormat.fromCheckpointFormat(name).orElseThrow(
                () -> new ModelFormatException(file, "quantization_config.checkpoint_format is '" + name
                        + "' (expected 'gptq' or 'gptq_v2')"));
        boolean sym = node.path("sym").asBoolean(true);
        try {
            return new GptqConfig(bits.asInt(), group.asLong(), sym, format);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, null, "quantization_config: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }
}
