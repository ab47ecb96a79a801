package dev.lowbit.quant.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Consumer;

/** The files of a Hugging Face model folder besides the weights: config.json and the tokenizer's files. */
final class ModelFolderFiles {
    /** Copied as they are when the source has them. */
    static final List<String> SIDE_FILES = List.of("tokenizer.json", "tokenizer_config.json", "tokenizer.model",
            "special_tokens_map.json", "added_tokens.json", "vocab.json", "merges.txt", "chat_template.jinja",
            "chat_template.json", "generation_config.json");

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelFolderFiles() {}

    static void copySideFiles(Path source, Path target) throws IOException {
        for (String name : SIDE_FILES) {
            Path file = source.resolve(name);
            if (Files.isRegularFile(file)) {
                Files.copy(file, target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Copies the source's config.json to the target after {@code edit}; other keys keep their order and values. */
    static void copyConfig(Path source, Path target, Consumer<ObjectNode> edit) throws IOException {
        Path file = source.resolve(ModelConfig.FILE_NAME);
        if (!(MAPPER.readTree(file.toFile()) instanceof ObjectNode config)) {
            throw new ModelFormatException(file, "is not a JSON object");
        }
        edit.accept(config);
        writeJson(target.resolve(ModelConfig.FILE_NAME), config);
    }

    /** Written under a temporary name and renamed, so a reader never sees half a file. */
    static void writeJson(Path file, ObjectNode node) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(temp, MAPPER.writeValueAsBytes(node));
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static void requireDistinct(Path source, Path target) throws IOException {
        if (Files.exists(target) && Files.isSameFile(source, target)) {
            throw new IllegalArgumentException("the output folder " + target + " is the source model folder; choose another");
        }
    }
}
