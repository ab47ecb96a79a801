package dev.lowbit.quant.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DocumentReaderTest {

    @Test
    void splitsOnBlankLinesLikePythonStrSplit() throws IOException {
        // Expected lists are Python's text.split("\n\n") of each input.
        assertEquals(List.of("a", "b"), documents("a\n\nb"));
        assertEquals(List.of("a", "\nb"), documents("a\n\n\nb"));
        assertEquals(List.of("a", "", "b"), documents("a\n\n\n\nb"));
        assertEquals(List.of("", "x"), documents("\n\nx"));
        assertEquals(List.of("a", "\n"), documents("a\n\n\n"));
        assertEquals(List.of("line 1\nline 2\n"), documents("line 1\nline 2\n"));
        assertEquals(List.of("crlf\r\n\r\nstays"), documents("crlf\r\n\r\nstays"), "in-memory text keeps its \\r");
        assertEquals(List.of(""), documents(""));
    }

    @Test
    void splitsAcrossReadBuffers() throws IOException {
        String big = "x".repeat((1 << 16) - 1) + "\n\n" + "y".repeat(70_000);
        List<String> docs = documents(big);
        assertEquals(2, docs.size());
        assertEquals((1 << 16) - 1, docs.get(0).length());
        assertEquals(70_000, docs.get(1).length());
    }

    @Test
    void filesReadCrLfAndCrAsLineFeedsAsPythonDoes(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("windows.txt"), "a\r\n\r\nb\rc\r\n");
        assertEquals(List.of("a", "b\nc\n"), read(file));
        // A "\r\n" split between two reads of the 64 KiB buffer is still one line end.
        String head = "x".repeat((1 << 16) - 1);
        Path straddling = Files.writeString(dir.resolve("straddling.txt"), head + "\r\n\r\ny");
        assertEquals(List.of(head, "y"), read(straddling));
    }

    @Test
    void readsTheValidationTextIntoItsDocuments() throws IOException {
        List<String> docs = read(TestData.validText());
        assertEquals(14_800, docs.size());
        assertEquals(Files.readString(TestData.validText()), String.join("\n\n", docs));
    }

    @Test
    void choosesTheFormatByExtension(@TempDir Path dir) throws IOException {
        Path jsonl = Files.writeString(dir.resolve("data.JSONL"), "{\"text\": \"a\"}\n");
        Path text = Files.writeString(dir.resolve("data.txt"), "a");
        try (DocumentReader j = DocumentReader.open(jsonl); DocumentReader t = DocumentReader.open(text)) {
            assertInstanceOf(JsonlDocumentReader.class, j);
            assertInstanceOf(TextDocumentReader.class, t);
            assertEquals(jsonl.toString(), j.source());
        }
    }

    @Test
    void invalidUtf8NamesTheFile(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'});
        try (DocumentReader reader = DocumentReader.open(file)) {
            DataFileException e = assertThrows(DataFileException.class, reader::next);
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
        }
    }

    private static List<String> documents(String text) throws IOException {
        return all(DocumentReader.ofText(text));
    }

    private static List<String> read(Path file) throws IOException {
        return all(DocumentReader.open(file));
    }

    private static List<String> all(DocumentReader reader) throws IOException {
        try (reader) {
            List<String> docs = new ArrayList<>();
            for (String doc; (doc = reader.next()) != null; ) {
                docs.add(doc);
            }
            return docs;
        }
    }
}
