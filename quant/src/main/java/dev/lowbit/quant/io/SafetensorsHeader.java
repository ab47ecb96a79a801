package dev.lowbit.quant.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed and validated JSON header of a safetensors file.
 *
 * @param tensors  in header order
 * @param metadata the {@code __metadata__} string map (empty when absent)
 */
record SafetensorsHeader(List<TensorInfo> tensors, Map<String, String> metadata) {
    static final String METADATA_KEY = "__metadata__";
    /** Same bound as the reference implementation: larger headers are taken as corrupt. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    /**
     * @param dataStart absolute position of the data region (8 + header length)
     * @param dataSize  bytes from dataStart to the end of the file
     */
    static SafetensorsHeader parse(Path file, byte[] json, long dataStart, long dataSize) {
        ObjectNode root = Json.readObject(file, json, "header");
        List<TensorInfo> tensors = new ArrayList<>();
        Map<String, String> metadata = Map.of();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(file, e.getValue());
            } else {
                tensors.add(parseTensor(file, e.getKey(), e.getValue(), dataStart, dataSize));
            }
        }
        checkNoOverlap(file, tensors, dataStart);
        return new SafetensorsHeader(List.copyOf(tensors), metadata);
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode node) {
        if (!node.isObject()) {
            throw new ModelFormatException(file, METADATA_KEY + " is not a JSON object");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new ModelFormatException(file, METADATA_KEY + " value of '" + e.getKey() + "' is not a string");
            }
            map.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(map);
    }

    private static TensorInfo parseTensor(Path file, String name, JsonNode node, long dataStart, long dataSize) {
        if (!node.isObject()) {
            throw new ModelFormatException(file, name, "header entry is not a JSON object");
        }
        JsonNode dtypeNode = required(file, name, node, "dtype");
        JsonNode shapeNode = required(file, name, node, "shape");
        JsonNode offsetsNode = required(file, name, node, "data_offsets");

        if (!dtypeNode.isTextual()) {
            throw new ModelFormatException(file, name, "dtype is not a string: " + dtypeNode);
        }
        DType dtype = DType.fromSafetensorsName(dtypeNode.textValue()).orElseThrow(() -> new ModelFormatException(
                file, name, "unknown dtype '" + dtypeNode.textValue() + "' (supported: " + DType.supportedNames() + ")"));

        if (!shapeNode.isArray()) {
            throw new ModelFormatException(file, name, "shape is not an array: " + shapeNode);
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong()) {
                throw new ModelFormatException(file, name, "shape " + shapeNode + " has a non-integer dim");
            }
            shape[i] = d.longValue();
            if (shape[i] < 0) {
                throw new ModelFormatException(file, name, "shape " + shapeNode + " has a negative dim");
            }
        }

        if (!offsetsNode.isArray() || offsetsNode.size() != 2
                || !isLong(offsetsNode.get(0)) || !isLong(offsetsNode.get(1))) {
            throw new ModelFormatException(file, name, "data_offsets " + offsetsNode + " is not a pair of integers");
        }
        long begin = offsetsNode.get(0).longValue();
        long end = offsetsNode.get(1).longValue();
        if (begin < 0 || begin > end) {
            throw new ModelFormatException(file, name, "data_offsets " + offsetsNode + " must satisfy 0 <= begin <= end");
        }
        if (end > dataSize) {
            throw new ModelFormatException(file, name, "data_offsets " + offsetsNode
                    + " end past the data region (" + dataSize + " bytes; file truncated?)");
        }
        long expected;
        try {
            expected = Math.multiplyExact(Shapes.elementCount(shape), dtype.byteSize());
        } catch (ArithmeticException ex) {
            throw new ModelFormatException(file, name, "shape " + shapeNode + " overflows a 64-bit byte count");
        }
        if (expected != end - begin) {
            throw new ModelFormatException(file, name, dtype + " x " + Shapes.format(shape) + " needs " + expected
                    + " bytes but data_offsets " + offsetsNode + " span " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, dataStart + begin, end - begin);
    }

    private static JsonNode required(Path file, String name, JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw new ModelFormatException(file, name, "header entry has no '" + key + "'");
        }
        return v;
    }

    private static boolean isLong(JsonNode n) {
        return n.isIntegralNumber() && n.canConvertToLong();
    }

    /** Gaps between tensors are allowed; shared bytes are not. Empty tensors occupy no bytes. */
    private static void checkNoOverlap(Path file, List<TensorInfo> tensors, long dataStart) {
        List<TensorInfo> sorted = new ArrayList<>(tensors);
        sorted.removeIf(t -> t.byteSize() == 0);
        sorted.sort(Comparator.comparingLong(TensorInfo::offset));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo prev = sorted.get(i - 1);
            TensorInfo cur = sorted.get(i);
            if (cur.offset() < prev.offset() + prev.byteSize()) {
                throw new ModelFormatException(file, cur.name(), "data_offsets " + range(cur, dataStart)
                        + " overlap tensor " + prev.name() + " " + range(prev, dataStart));
            }
        }
    }

    private static String range(TensorInfo t, long dataStart) {
        long begin = t.offset() - dataStart;
        return "[" + begin + ", " + (begin + t.byteSize()) + "]";
    }
}
