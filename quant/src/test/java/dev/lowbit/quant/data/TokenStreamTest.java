package dev.lowbit.quant.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenStreamTest {
    private static TokenStream validStream;

    private final TextTokenizer tokenizer = TestData.tokenizer();

    @TempDir
    Path dir;

    /** The whole of valid.txt, encoded once for this class. */
    private synchronized TokenStream valid() throws IOException {
        if (validStream == null) {
            validStream = TokenStream.fromFile(tokenizer, TestData.validText(), TokenStream.UNLIMITED);
        }
        return validStream;
    }

    @Test
    void theValidationTextYieldsTheFixtureTokenCount() throws IOException {
        TokenStream stream = valid();
        assertEquals(707_349, stream.length());
        assertEquals(14_800, IntStream.range(0, stream.length()).filter(i -> stream.get(i) == 2).count(),
                "one end-of-sequence per document, empty ones included");
        assertEquals(2, stream.get(stream.length() - 1));
        assertEquals(TestData.validText().toString(), stream.source());
    }

    @Test
    void theEvaluationProtocolGives1171WindowsOfTheFirstTokens() throws IOException {
        TokenWindows windows = EvaluationProtocol.windows(tokenizer, TestData.validText());
        assertEquals(1171, windows.rows());
        assertEquals(512, windows.seq());
        assertArrayEquals(Arrays.copyOf(valid().toArray(), 1171 * 512), windows.tokens());
    }

    @Test
    void aBudgetKeepsExactlyTheFirstTokens() throws IOException {
        TokenStream cut = TokenStream.fromFile(tokenizer, TestData.validText(), 600_000);
        assertEquals(600_000, cut.length());
        assertArrayEquals(Arrays.copyOf(valid().toArray(), 600_000), cut.toArray());
        assertEquals(0, TokenStream.fromText(tokenizer, "some text", 0).length());
    }

    @Test
    void eachDocumentIsEncodedAloneAndFollowedByEos() throws IOException {
        String first = "The kernel scheduler decides which task runs next on each CPU.";
        String second = "Networking:\n  sockets";
        int[] expected = IntStream.concat(
                IntStream.concat(Arrays.stream(tokenizer.encode(first, false)), IntStream.of(2)),
                IntStream.concat(Arrays.stream(tokenizer.encode(second, false)), IntStream.of(2))).toArray();
        assertArrayEquals(expected, TokenStream.fromText(tokenizer, first + "\n\n" + second, TokenStream.UNLIMITED).toArray());
        assertArrayEquals(new int[] {2, 2}, TokenStream.fromText(tokenizer, "\n\n", TokenStream.UNLIMITED).toArray());
    }

    @Test
    void aJsonlFileGivesTheSameStreamAsTheSameDocumentsInText() throws IOException {
        String[] docs = Files.readString(TestData.validText()).split("\n\n", -1);
        docs = Arrays.copyOf(docs, 300);
        ObjectMapper json = new ObjectMapper();
        StringBuilder jsonl = new StringBuilder();
        for (String doc : docs) {
            jsonl.append(json.writeValueAsString(Map.of("text", doc))).append('\n');
        }
        Path file = Files.writeString(dir.resolve("valid-head.jsonl"), jsonl);
        TokenStream fromJsonl = TokenStream.fromFile(tokenizer, file, TokenStream.UNLIMITED);
        TokenStream fromText = TokenStream.fromText(tokenizer, String.join("\n\n", docs), TokenStream.UNLIMITED);
        assertArrayEquals(fromText.toArray(), fromJsonl.toArray());
    }

    @Test
    void anEmptyFileIsRejectedByName() throws IOException {
        Path text = Files.createFile(dir.resolve("empty.txt"));
        DataFileException e = assertThrows(DataFileException.class,
                () -> TokenStream.fromFile(tokenizer, text, TokenStream.UNLIMITED));
        assertTrue(e.getMessage().contains(text.toString()) && e.getMessage().contains("empty"), e.getMessage());

        Path jsonl = Files.writeString(dir.resolve("blank.jsonl"), "\n\n");
        e = assertThrows(DataFileException.class, () -> EvaluationProtocol.windows(tokenizer, jsonl));
        assertTrue(e.getMessage().contains(jsonl.toString()) && e.getMessage().contains("no document"), e.getMessage());
    }

    @Test
    void aFileShorterThanOneWindowIsRejectedByName() throws IOException {
        Path file = Files.writeString(dir.resolve("short.txt"), "only a few tokens\n\nhere");
        DataFileException e = assertThrows(DataFileException.class,
                () -> EvaluationProtocol.windows(tokenizer, file));
        assertTrue(e.getMessage().startsWith(file + ": yields "), e.getMessage());
        assertTrue(e.getMessage().contains("fewer than one window of 512"), e.getMessage());

        TokenStream stream = TokenStream.fromFile(tokenizer, file, TokenStream.UNLIMITED);
        IllegalArgumentException windows = assertThrows(IllegalArgumentException.class, () -> stream.windows(512));
        assertTrue(windows.getMessage().contains(file.toString()), windows.getMessage());
        IllegalArgumentException sample = assertThrows(IllegalArgumentException.class, () -> stream.sample(4, 512, 0));
        assertTrue(sample.getMessage().contains(file.toString()), sample.getMessage());
    }
}
