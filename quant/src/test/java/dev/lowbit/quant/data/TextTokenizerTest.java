package dev.lowbit.quant.data;

import ai.djl.util.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextTokenizerTest {
    private static final String PROMPT = "The kernel scheduler decides which task runs next on each CPU.";
    private static final int[] PROMPT_IDS = {643, 730, 4982, 261, 1550, 1511, 440, 1857, 7049, 2924, 382, 1116, 1086, 16};

    private final TextTokenizer tokenizer = TestData.tokenizer();

    @Test
    void encodesThePromptAsTransformersDoes() {
        assertArrayEquals(PROMPT_IDS, tokenizer.encode(PROMPT, false));
    }

    @Test
    void specialTokensAddBosOnly() {
        int[] ids = tokenizer.encode(PROMPT, true);
        assertEquals(PROMPT_IDS.length + 1, ids.length);
        assertEquals(1, ids[0]);
        assertArrayEquals(PROMPT_IDS, Arrays.copyOfRange(ids, 1, ids.length));
    }

    @Test
    void readsVocabularySizeAndSpecialIdsFromTheModelFolder() {
        assertEquals(8192, tokenizer.vocabSize());
        assertEquals(OptionalInt.of(1), tokenizer.bosId());
        assertEquals(OptionalInt.of(2), tokenizer.eosId());
        assertEquals(OptionalInt.of(0), tokenizer.unkId());
        assertEquals(OptionalInt.empty(), tokenizer.specialIds().pad());
        assertEquals(OptionalInt.of(2), tokenizer.tokenId("</s>"));
        assertEquals(OptionalInt.empty(), tokenizer.tokenId("no such token"));
    }

    @Test
    void specialIdsFallBackToConfigJson(@TempDir Path dir) throws IOException {
        Files.copy(TestData.tinyModel().resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("config.json"), "{\"bos_token_id\": 1, \"eos_token_id\": [2, 0]}");
        try (TextTokenizer bare = TextTokenizer.load(dir.resolve("tokenizer.json"))) {
            assertEquals(OptionalInt.of(1), bare.bosId());
            assertEquals(OptionalInt.of(2), bare.eosId());
            assertEquals(OptionalInt.empty(), bare.unkId(), "the BPE model names no unk_token");
            assertArrayEquals(PROMPT_IDS, bare.encode(PROMPT, false));
        }
    }

    @Test
    void decodeInvertsEncode() {
        for (String text : List.of(PROMPT, "", " leading and trailing spaces  ",
                "isn't it ? yes , it is .", "tabs\tand\n\nblank lines\r\n",
                "naïve café, Ünïcödé — “quotes”", "日本語のテキスト", "emoji 🙂👍🏽 and 𝔘𝔫𝔦")) {
            assertEquals(text, tokenizer.decode(tokenizer.encode(text, false)), text);
        }
    }

    @Test
    void decodeKeepsSpecialTokensUnlessAskedToSkipThem() {
        int[] ids = tokenizer.encode(PROMPT, true);
        int[] withEos = Arrays.copyOf(ids, ids.length + 1);
        withEos[ids.length] = 2;
        assertEquals("<s>" + PROMPT + "</s>", tokenizer.decode(withEos));
        assertEquals(PROMPT, tokenizer.decode(withEos, true));
    }

    @Test
    void encodesLongTextWhole() throws IOException {
        String text = Files.readString(TestData.validText()).substring(0, 200_000);
        int[] ids = tokenizer.encode(text, false);
        assertTrue(ids.length > 40_000, "no truncation: " + ids.length);
        assertEquals(text, tokenizer.decode(ids));
    }

    @Test
    void encodeAllMatchesEncode() {
        List<String> texts = List.of(PROMPT, "", "second text", "日本語");
        List<int[]> all = tokenizer.encodeAll(texts, false);
        assertEquals(texts.size(), all.size());
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(tokenizer.encode(texts.get(i), false), all.get(i));
        }
    }

    @Test
    void loadsFromTheFolderOrTheFile() throws IOException {
        try (TextTokenizer fromFile = TextTokenizer.load(TestData.tinyModel().resolve("tokenizer.json"))) {
            assertEquals(tokenizer.file(), fromFile.file());
            assertArrayEquals(PROMPT_IDS, fromFile.encode(PROMPT, false));
        }
    }

    @Test
    void aFolderWithoutTokenizerJsonFailsNamingThePath(@TempDir Path dir) {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> TextTokenizer.load(dir));
        assertTrue(e.getMessage().contains(dir.resolve("tokenizer.json").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("local files"), e.getMessage());
    }

    @Test
    void aHubNameIsTreatedAsAMissingLocalPath() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> TextTokenizer.load(Path.of("meta-llama/Llama-2-7b-hf")));
        assertTrue(e.getMessage().contains("meta-llama/Llama-2-7b-hf"), e.getMessage());
    }

    @Test
    void djlIsInOfflineModeSoItDownloadsNothing() {
        // Offline mode is what makes DJL take the bundled CPU library instead of downloading a CUDA
        // build, skip its telemetry call, and refuse any URL it is asked to open.
        assertEquals("true", System.getProperty("ai.djl.offline"));
        assertTrue(Utils.isOfflineMode());
        IOException e = assertThrows(IOException.class, () -> Utils.openUrl("https://publish.djl.ai/x"));
        assertEquals("Offline mode is enabled.", e.getMessage());
    }
}
