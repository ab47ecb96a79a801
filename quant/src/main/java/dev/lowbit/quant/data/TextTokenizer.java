package dev.lowbit.quant.data;

import ai.djl.engine.EngineException;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A Hugging Face fast tokenizer loaded from a local {@code tokenizer.json} through DJL, never from
 * the hub. Truncation and padding are off and there is no length limit, so a long document encodes
 * whole, as transformers' {@code tokenizer(text)} does. Calls are serialized (DJL does not promise
 * thread safety; {@link #encodeAll} already uses every core); {@link #close()} frees the native
 * tokenizer.
 */
public final class TextTokenizer implements AutoCloseable {
    public static final String FILE_NAME = "tokenizer.json";

    // Without "truncation" DJL truncates to 512 tokens by default; without a TokenizerConfig it
    // leaves the text untouched (no lower-casing, accent stripping, prefix space or decode clean-up).
    private static final Map<String, String> OPTIONS = Map.of(
            "addSpecialTokens", "false",
            "truncation", "false",
            "padding", "false");

    private final HuggingFaceTokenizer tokenizer;
    private final Path file;
    private final TokenizerVocabulary vocabulary;
    private final SpecialTokenIds specialIds;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, Path file, TokenizerVocabulary vocabulary,
                          SpecialTokenIds specialIds) {
        this.tokenizer = tokenizer;
        this.file = file;
        this.vocabulary = vocabulary;
        this.specialIds = specialIds;
    }

    /**
     * Loads {@code tokenizer.json} from a model folder, or the given tokenizer file. Special token
     * ids come from {@code tokenizer_config.json}, {@code config.json} and
     * {@code generation_config.json} beside it, where present.
     *
     * @throws NoSuchFileException when there is no such local file (nothing is downloaded)
     */
    public static TextTokenizer load(Path modelFolderOrFile) throws IOException {
        boolean folder = Files.isDirectory(modelFolderOrFile);
        Path file = (folder ? modelFolderOrFile.resolve(FILE_NAME) : modelFolderOrFile).toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, folder
                    ? "the model folder has no " + FILE_NAME + " (tokenizers are only read from local files)"
                    : "no such tokenizer file (tokenizers are only read from local files)");
        }
        TokenizerVocabulary vocabulary = TokenizerVocabulary.read(file);
        SpecialTokenIds specialIds = SpecialTokenIds.resolve(file.getParent(), vocabulary);
        DjlOffline.enforce();
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(file, OPTIONS);
        } catch (EngineException e) {
            throw new IllegalStateException("cannot load the native library of DJL's tokenizers jar", e);
        } catch (RuntimeException e) {
            throw new IOException("cannot read tokenizer " + file + ": " + e.getMessage(), e);
        }
        return new TextTokenizer(tokenizer, file, vocabulary, specialIds);
    }

    /** Token ids of {@code text}; with {@code addSpecialTokens}, as the post-processor adds them. */
    public synchronized int[] encode(String text, boolean addSpecialTokens) {
        return toInts(tokenizer.encode(text, addSpecialTokens, false).getIds());
    }

    /** {@link #encode} of each text, in order; the native side encodes them in parallel. */
    public synchronized List<int[]> encodeAll(List<String> texts, boolean addSpecialTokens) {
        Encoding[] encodings = tokenizer.batchEncode(texts.toArray(String[]::new), addSpecialTokens, false);
        List<int[]> ids = new ArrayList<>(encodings.length);
        for (Encoding encoding : encodings) {
            ids.add(toInts(encoding.getIds()));
        }
        return ids;
    }

    /** Text of {@code ids}, special tokens included. */
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    public synchronized String decode(int[] ids, boolean skipSpecialTokens) {
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            wide[i] = ids[i];
        }
        return tokenizer.decode(wide, skipSpecialTokens);
    }

    /** Highest token id + 1 over the vocabulary and added tokens of tokenizer.json. */
    public int vocabSize() {
        return vocabulary.size();
    }

    /** Id of a token string (vocabulary or added token), if it has one. */
    public OptionalInt tokenId(String token) {
        return vocabulary.id(token);
    }

    public SpecialTokenIds specialIds() {
        return specialIds;
    }

    public OptionalInt bosId() {
        return specialIds.bos();
    }

    public OptionalInt eosId() {
        return specialIds.eos();
    }

    public OptionalInt unkId() {
        return specialIds.unk();
    }

    /** The tokenizer.json this was loaded from (absolute). */
    public Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        tokenizer.close();
    }

    private static int[] toInts(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }
}
