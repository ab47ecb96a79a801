package dev.lowbit.quant.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * Ids of the beginning-of-sequence, end-of-sequence, unknown and padding tokens, each empty where
 * the model folder does not define one.
 */
public record SpecialTokenIds(OptionalInt bos, OptionalInt eos, OptionalInt unk, OptionalInt pad) {

    /**
     * Resolves each token the way transformers does: the token string in
     * {@code tokenizer_config.json} looked up in the vocabulary; failing that, the id in
     * {@code config.json}, then {@code generation_config.json} (the first one where a list is
     * given); for the unknown token, finally the one tokenizer.json's model names.
     */
    static SpecialTokenIds resolve(Path folder, TokenizerVocabulary vocabulary) throws IOException {
        JsonNode tokenizerConfig = readIfPresent(folder.resolve("tokenizer_config.json"));
        List<JsonNode> idSources = List.of(readIfPresent(folder.resolve("config.json")),
                readIfPresent(folder.resolve("generation_config.json")));
        OptionalInt unk = find("unk", tokenizerConfig, idSources, vocabulary);
        return new SpecialTokenIds(
                find("bos", tokenizerConfig, idSources, vocabulary),
                find("eos", tokenizerConfig, idSources, vocabulary),
                unk.isPresent() ? unk : vocabulary.modelUnkId(),
                find("pad", tokenizerConfig, idSources, vocabulary));
    }

    private static OptionalInt find(String role, JsonNode tokenizerConfig, List<JsonNode> idSources,
                                    TokenizerVocabulary vocabulary) {
        JsonNode token = tokenizerConfig.path(role + "_token");
        // An AddedToken may be serialized as an object with the string under "content".
        String text = token.isTextual() ? token.asText() : token.path("content").asText(null);
        if (text != null) {
            OptionalInt id = vocabulary.id(text);
            if (id.isPresent()) {
                return id;
            }
        }
        for (JsonNode source : idSources) {
            JsonNode id = source.path(role + "_token_id");
            if (id.isArray()) {
                id = id.path(0);
            }
            if (id.canConvertToInt()) {
                return OptionalInt.of(id.asInt());
            }
        }
        return OptionalInt.empty();
    }

    private static JsonNode readIfPresent(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return MissingNode.getInstance();
        }
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException("cannot parse " + file + ": " + e.getOriginalMessage(), e);
        }
    }
}
