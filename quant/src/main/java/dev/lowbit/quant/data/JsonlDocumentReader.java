package dev.lowbit.quant.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Documents of a JSON Lines file: each non-blank line is one JSON object whose string field
 * {@code "text"} is one document. Any other line is an error naming the file and line.
 */
final class JsonlDocumentReader implements DocumentReader {
    static final String TEXT_FIELD = "text";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final BufferedReader in;
    private final Path file;
    private long lineNumber;

    private JsonlDocumentReader(BufferedReader in, Path file) {
        this.in = in;
        this.file = file;
    }

    static JsonlDocumentReader open(Path file) throws IOException {
        return new JsonlDocumentReader(Files.newBufferedReader(file, StandardCharsets.UTF_8), file);
    }

    @Override
    public String next() throws IOException {
        String line;
        while ((line = readLine()) != null) {
            lineNumber++;
            if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (!line.isBlank()) {
                return text(line);
            }
        }
        return null;
    }

    private String readLine() throws IOException {
        try {
            return in.readLine();
        } catch (CharacterCodingException e) {
            throw new DataFileException(file, lineNumber + 1, "not valid UTF-8 text", e);
        }
    }

    private String text(String line) throws DataFileException {
        JsonNode record;
        try {
            record = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new DataFileException(file, lineNumber, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!record.isObject()) {
            throw new DataFileException(file, lineNumber, "expected a JSON object, found "
                    + record.getNodeType().toString().toLowerCase(Locale.ROOT), null);
        }
        JsonNode text = record.get(TEXT_FIELD);
        if (text == null) {
            throw new DataFileException(file, lineNumber, "the record has no \"" + TEXT_FIELD + "\" field", null);
        }
        if (!text.isTextual()) {
            throw new DataFileException(file, lineNumber, "\"" + TEXT_FIELD + "\" is not a string", null);
        }
        return text.textValue();
    }

    @Override
    public String source() {
        return file.toString();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
