package dev.lowbit.quant.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Token-to-id map of a {@code tokenizer.json}, read with Jackson because DJL exposes neither the
 * vocabulary nor token lookups. Covers the model vocabularies of BPE, WordPiece and WordLevel (an
 * object of token to id) and Unigram (a list of [token, score], id = position), plus added tokens.
 */
final class TokenizerVocabulary {
    private final Map<String, Integer> ids;
    private final int size;
    private final OptionalInt modelUnkId;

    private TokenizerVocabulary(Map<String, Integer> ids, int size, OptionalInt modelUnkId) {
        this.ids = ids;
        this.size = size;
        this.modelUnkId = modelUnkId;
    }

    static TokenizerVocabulary read(Path tokenizerJson) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(tokenizerJson.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException("cannot parse tokenizer " + tokenizerJson + ": " + e.getOriginalMessage(), e);
        }
        Map<String, Integer> ids = new HashMap<>();
        JsonNode model = root.path("model");
        JsonNode vocab = model.path("vocab");
        if (vocab.isObject()) {
            for (Map.Entry<String, JsonNode> e : vocab.properties()) {
                ids.put(e.getKey(), e.getValue().asInt());
            }
        } else if (vocab.isArray()) {
            for (int i = 0; i < vocab.size(); i++) {
                ids.put(vocab.get(i).path(0).asText(), i);
            }
        }
        for (JsonNode added : root.path("added_tokens")) {
            ids.put(added.path("content").asText(), added.path("id").asInt());
        }
        int size = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;

        OptionalInt unk = OptionalInt.empty();
        if (model.path("unk_id").canConvertToInt()) {
            unk = OptionalInt.of(model.get("unk_id").asInt());
        } else if (model.path("unk_token").isTextual() && ids.containsKey(model.get("unk_token").asText())) {
            unk = OptionalInt.of(ids.get(model.get("unk_token").asText()));
        }
        return new TokenizerVocabulary(ids, size, unk);
    }

    OptionalInt id(String token) {
        Integer id = ids.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** Highest id + 1 over the model vocabulary and added tokens. */
    int size() {
        return size;
    }

    /** The unknown token the model section of tokenizer.json names, if any. */
    OptionalInt modelUnkId() {
        return modelUnkId;
    }
}
