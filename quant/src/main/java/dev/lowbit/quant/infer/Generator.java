package dev.lowbit.quant.infer;

import dev.lowbit.quant.data.TextTokenizer;
import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.io.ModelConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Text generation with a model folder (an unquantized Hugging Face checkpoint or a GPTQ-style packed
 * one): tokenizes the prompt, runs the prompt through the native decoder in one call, then one native
 * call per new token (sampling done natively), stops at end-of-sequence or the token limit, and
 * streams the text through a listener. All native work runs on one engine thread; close the
 * generator to free the model.
 */
public final class Generator implements AutoCloseable {
    private final Engine engine;
    private final TextTokenizer tokenizer;
    private final NativeDecoder decoder;
    private final ModelConfig config;
    private final GeneratorOptions options;
    private final String weights;
    private final Set<Integer> eosIds = new HashSet<>();
    private boolean closed;

    private Generator(Engine engine, TextTokenizer tokenizer, DecoderLoader.Loaded loaded, GeneratorOptions options) {
        this.engine = engine;
        this.tokenizer = tokenizer;
        this.decoder = loaded.decoder();
        this.config = loaded.config();
        this.weights = loaded.weights();
        this.options = options;
        eosIds.addAll(config.eosTokenIds());
        tokenizer.eosId().ifPresent(eosIds::add);
    }

    /** Loads the tokenizer and every layer of the model in {@code folder} onto {@code options.device()}. */
    public static Generator open(Path folder, GeneratorOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        TextTokenizer tokenizer = TextTokenizer.load(folder);
        Engine engine = new Engine(options.threads(), 0);
        try {
            DecoderLoader.Loaded loaded = engine.call(() -> DecoderLoader.load(folder, options));
            return new Generator(engine, tokenizer, loaded, options);
        } catch (IllegalStateException e) {
            engine.close();
            tokenizer.close();
            if (e.getCause() instanceof IOException io) throw io;  // the engine wraps checked exceptions
            throw e;
        } catch (RuntimeException | Error e) {
            engine.close();
            tokenizer.close();
            throw e;
        }
    }

    public ModelConfig config() {
        return config;
    }

    public GeneratorOptions options() {
        return options;
    }

    /** How the linears are held, e.g. "dense BF16" or "gptq int4 g128". */
    public String weightsDescription() {
        return weights;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    public NativeDecoder.Stats stats() {
        return engine.call(() -> {
            requireOpen();
            return decoder.stats();
        });
    }

    /** The prompt's token ids (with the tokenizer's special tokens, e.g. BOS). */
    public int[] encode(String prompt) {
        Objects.requireNonNull(prompt, "prompt");
        if (prompt.isEmpty()) throw new IllegalArgumentException("prompt is empty (expected some text to continue)");
        int[] ids = tokenizer.encode(prompt, true);
        if (ids.length == 0) throw new IllegalArgumentException("prompt '" + prompt + "' has no tokens");
        return ids;
    }

    public GenerationResult generate(String prompt, GenerationConfig generation, GenerationListener listener) {
        return generate(encode(prompt), generation, listener);
    }

    /** Generates after {@code promptIds}; the KV cache starts empty each time. */
    public GenerationResult generate(int[] promptIds, GenerationConfig generation, GenerationListener listener) {
        Objects.requireNonNull(generation, "generation");
        Objects.requireNonNull(listener, "listener");
        if (promptIds.length == 0) throw new IllegalArgumentException("prompt is empty (expected at least one token)");
        for (int i = 0; i < promptIds.length; i++) {
            if (promptIds[i] < 0 || promptIds[i] >= config.vocabSize()) {
                throw new IllegalArgumentException("prompt token " + i + " = " + promptIds[i] + " is out of range (expected 0 <= id < "
                        + config.vocabSize() + ", the vocabulary size)");
            }
        }
        long needed = (long) promptIds.length + generation.maxNewTokens();
        if (needed > options.maxSeq()) {
            throw new IllegalArgumentException(promptIds.length + " prompt tokens + " + generation.maxNewTokens()
                    + " new tokens = " + needed + " exceed the maximum sequence length " + options.maxSeq()
                    + " (the KV cache size; raise it or ask for fewer tokens)");
        }
        int[] prompt = promptIds.clone();
        return engine.call(() -> {
            requireOpen();
            decoder.reset();
            decoder.setSampling(generation.temperature(), generation.topP(), generation.seed());
            int[] out = new int[generation.maxNewTokens()];
            int count = 0;
            StringBuilder text = new StringBuilder();
            int windowStart = 0, emittedUpTo = 0;
            long start = System.nanoTime();
            int next = decoder.prefillNext(prompt);
            double prefillSeconds = (System.nanoTime() - start) / 1e9;
            long decodeStart = 0, decodeEnd = 0;
            int steps = 0;
            GenerationResult.StopReason reason = GenerationResult.StopReason.MAX_TOKENS;
            while (true) {
                if (generation.stopAtEos() && eosIds.contains(next)) {
                    reason = GenerationResult.StopReason.EOS;
                    break;
                }
                out[count++] = next;
                // Only the tokens since the emit before the last are decoded (the window keeps a token's leading
                // space decided by the one before it): per token the cost stays flat instead of growing with the text.
                String before = tokenizer.decode(Arrays.copyOfRange(out, windowStart, emittedUpTo), true);
                String now = tokenizer.decode(Arrays.copyOfRange(out, windowStart, count), true);
                if (now.length() > before.length() && now.startsWith(before) && !now.endsWith("\uFFFD")) {
                    String delta = now.substring(before.length());
                    listener.onText(delta);
                    text.append(delta);
                    windowStart = emittedUpTo;
                    emittedUpTo = count;
                }
                if (count == generation.maxNewTokens()) break;
                if (steps == 0) decodeStart = System.nanoTime();
                next = decoder.decodeNext(next);
                decodeEnd = System.nanoTime();
                steps++;
            }
            int[] newIds = Arrays.copyOf(out, count);
            String finalText = tokenizer.decode(newIds, true);
            String streamed = text.toString();
            if (finalText.startsWith(streamed) && finalText.length() > streamed.length()) {
                listener.onText(finalText.substring(streamed.length()));
            }
            double decodeSeconds = (decodeEnd - decodeStart) / 1e9;
            return new GenerationResult(finalText, prompt, newIds, reason, prefillSeconds, steps, decodeSeconds);
        });
    }

    /** Runs {@code work} with the native decoder on the engine thread (for tests and benchmarks). */
    <T> T engineCall(java.util.function.Function<NativeDecoder, T> work) {
        return engine.call(() -> {
            requireOpen();
            return work.apply(decoder);
        });
    }

    private void requireOpen() {
        if (closed) throw new IllegalStateException("generator was closed");
    }

    @Override
    public void close() {
        if (closed) return;
        try {
            engine.run(() -> {
                closed = true;
                decoder.close();
            });
        } finally {
            engine.close();
            tokenizer.close();
        }
    }
}
