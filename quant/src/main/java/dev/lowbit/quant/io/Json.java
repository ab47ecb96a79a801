package dev.lowbit.quant.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/** The package's strict JSON reader: duplicate keys and trailing garbage are errors. */
final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    /** Parses {@code bytes} as a JSON object; {@code what} names the document in errors. */
    static ObjectNode readObject(Path file, byte[] bytes, String what) {
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ModelFormatException(file, null, what + " is not valid JSON" + where + ": " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new ModelFormatException(file, null, what + " cannot be parsed: " + e.getMessage(), e);
        }
        if (node == null || node.isMissingNode()) {
            throw new ModelFormatException(file, what + " is empty");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new ModelFormatException(file, what + " is not a JSON object but " + node.getNodeType().name().toLowerCase());
        }
        return object;
    }

    /** True when the key is absent or explicitly null. */
    static boolean absent(JsonNode parent, String key) {
        JsonNode n = parent.get(key);
        return n == null || n.isNull();
    }
}
