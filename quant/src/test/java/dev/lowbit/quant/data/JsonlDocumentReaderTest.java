package dev.lowbit.quant.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonlDocumentReaderTest {
    @TempDir
    Path dir;

    @Test
    void eachRecordIsOneDocument() throws IOException {
        Path file = write("""
                {"text": "first\\n\\nstill first", "id": 1}

                {"meta": {"source": "x"}, "text": "caf\\u00e9 日本"}
                {"text": ""}
                """);
        assertEquals(List.of("first\n\nstill first", "café 日本", ""), read(file));
    }

    @Test
    void aMalformedLineNamesFileAndLine() throws IOException {
        Path file = write("{\"text\": \"ok\"}\n\n{\"text\": \"broken\n{\"text\": \"never read\"}\n");
        try (DocumentReader reader = DocumentReader.open(file)) {
            assertEquals("ok", reader.next());
            DataFileException e = assertThrows(DataFileException.class, reader::next);
            assertEquals(file, e.file());
            assertEquals(3, e.line());
            assertTrue(e.getMessage().startsWith(file + ":3: not valid JSON"), e.getMessage());
        }
    }

    @Test
    void recordsMustBeObjectsWithAStringText() throws IOException {
        assertBadLine("[\"text\"]", "expected a JSON object");
        assertBadLine("{\"content\": \"x\"}", "no \"text\" field");
        assertBadLine("{\"text\": 42}", "\"text\" is not a string");
        assertBadLine("{\"text\": \"a\"} trailing", "not valid JSON");
    }

    private void assertBadLine(String line, String reason) throws IOException {
        Path file = write("{\"text\": \"fine\"}\n" + line + "\n");
        DataFileException e = assertThrows(DataFileException.class, () -> read(file));
        assertTrue(e.getMessage().startsWith(file + ":2: "), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    private Path write(String content) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "data", ".jsonl"), content);
    }

    private static List<String> read(Path file) throws IOException {
        List<String> docs = new ArrayList<>();
        try (DocumentReader reader = DocumentReader.open(file)) {
            for (String doc; (doc = reader.next()) != null; ) {
                docs.add(doc);
            }
        }
        return docs;
    }
}
