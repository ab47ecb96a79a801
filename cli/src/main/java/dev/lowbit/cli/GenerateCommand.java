package dev.lowbit.cli;

import dev.lowbit.quant.data.TextTokenizer;
import dev.lowbit.quant.infer.GenerationConfig;
import dev.lowbit.quant.infer.GenerationListener;
import dev.lowbit.quant.infer.GenerationResult;
import dev.lowbit.quant.infer.Generator;
import dev.lowbit.quant.infer.GeneratorOptions;
import dev.lowbit.quant.infer.NativeDecoder;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Continues a prompt with a model folder (full precision; a GPTQ-style packed checkpoint run",
                "through the packed kernels; a VPTQ checkpoint, dequantized at load into the model's dtype and run dense).",
                "KV cache; one native call per new token; greedy (temperature 0) or",
                "sampled (temperature + top-p, seeded). Prints the text, then prefill and decode tokens per second.",
                "On the CPU a seed repeats its text (with the same --threads); on CUDA the packed kernels add partial sums in no fixed",
                "order, so a sampled text may part from an earlier run's after a few tokens (greedy texts hold)."},
        footer = {"", "Examples:", "  lowbit generate --model fixtures/tiny --prompt \"Once upon a time\"",
                "  lowbit generate --model out/tiny-w4g128 --prompt \"Once upon a time\" --temperature 0.8 --top-p 0.95 --seed 7",
                "  lowbit generate --model out/llama-w4 --prompt \"Hello\" --device cuda --max-new-tokens 128 --json"})
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder (config.json, safetensors, tokenizer.json).")
    Path model;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "Text to continue.")
    String prompt;

    @Option(names = "--max-new-tokens", defaultValue = "64", description = "Most tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0: greedy; > 0: sample softmax(logits / T) (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1", description = "Nucleus sampling mass, 0 < p <= 1 (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--dtype", description = "Compute dtype: f32, bf16 or f16 (default: f32 on the CPU, f16 on CUDA).")
    String dtype;

    @Option(names = "--max-seq", defaultValue = "0",
            description = "KV cache length (default 0: prompt tokens + --max-new-tokens).")
    int maxSeq;

    @Option(names = "--no-cuda-graph", description = "Run the CUDA decode step eagerly instead of from a captured CUDA graph.")
    boolean noCudaGraph;

    @Option(names = "--ignore-eos", description = "Generate --max-new-tokens tokens even past the end-of-sequence token.")
    boolean ignoreEos;

    @Option(names = "--warmup", defaultValue = "-1",
            description = "Tokens of an untimed warm-up generation first (default -1: 4 on CUDA, where it captures the graph; 0 on the CPU).")
    int warmup;

    @Option(names = "--json", description = "Print one JSON object on stdout instead of streaming the text.")
    boolean json;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        Paths.requireDirectory(model, "model folder");
        if (prompt.isEmpty()) throw new IllegalArgumentException("--prompt is empty (expected some text to continue)");
        if (maxSeq < 0) throw new IllegalArgumentException("--max-seq must be >= 0, got " + maxSeq);
        GenerationConfig generation = new GenerationConfig(maxNewTokens, temperature, topP, common.seed, !ignoreEos);
        Device device = common.device();
        DType compute = dtype == null ? GeneratorOptions.defaultDType(device) : EvalCommand.parseDType(dtype);
        int promptTokens;
        try (TextTokenizer tokenizer = TextTokenizer.load(model)) {
            promptTokens = tokenizer.encode(prompt, true).length;
        }
        int cache = maxSeq > 0 ? maxSeq : promptTokens + maxNewTokens;
        GeneratorOptions options = GeneratorOptions.defaults(device).withComputeDType(compute).withMaxSeq(cache)
                .withCudaGraph(!noCudaGraph).withThreads(common.threads);
        int warmupTokens = warmup >= 0 ? warmup : (device.kind() == Device.Kind.CUDA ? 4 : 0);
        long loadStart = System.nanoTime();
        try (Generator generator = Generator.open(model, options)) {
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            if (warmupTokens > 0) {
                generator.generate(prompt, new GenerationConfig(Math.min(warmupTokens, maxNewTokens), temperature, topP,
                        common.seed, false), GenerationListener.NONE);
            }
            GenerationListener stream = json ? GenerationListener.NONE : piece -> {
                System.out.print(piece);
                System.out.flush();
            };
            if (!json) System.out.print(prompt);
            GenerationResult r = generator.generate(prompt, generation, stream);
            NativeDecoder.Stats stats = generator.stats();
            if (json) {
                System.out.printf(Locale.ROOT,
                        "{\"model\": %s, \"prompt\": %s, \"text\": %s, \"prompt_tokens\": %d, \"new_tokens\": %d, \"stop\": \"%s\", "
                                + "\"prefill_seconds\": %.4f, \"prefill_tokens_per_second\": %.1f, \"decode_steps\": %d, "
                                + "\"decode_seconds\": %.4f, \"decode_tokens_per_second\": %.2f, \"load_seconds\": %.2f, "
                                + "\"device\": \"%s\", \"dtype\": \"%s\", \"weights\": %s, \"packed_linears\": %d, "
                                + "\"dequantized_linears\": %d, \"cuda_graph\": %b, \"fused_kernels\": %b, \"fused_level\": %d, \"temperature\": %s, \"top_p\": %s, \"seed\": %d}%n",
                        quote(model.toString()), quote(prompt), quote(r.text()), r.promptIds().length, r.newIds().length,
                        r.stopReason().name().toLowerCase(Locale.ROOT), r.prefillSeconds(), r.prefillTokensPerSecond(),
                        r.decodeSteps(), r.decodeSeconds(), r.decodeTokensPerSecond(), loadSeconds, device, compute,
                        quote(generator.weightsDescription()), stats.packedLinears(), stats.dequantizedLinears(),
                        stats.cudaGraphActive(), stats.fusedKernels(), stats.fusedLevel(), temperature, topP, common.seed);
            } else {
                System.out.println();
                System.out.println();
                Table t = new Table("weights", "device", "dtype", "prompt tok", "new tok", "prefill tok/s", "decode tok/s", "stop");
                t.row(generator.weightsDescription() + (stats.dequantizedLinears() > 0 ? " (dequantized: no packed kernel here)" : ""),
                        device + (stats.cudaGraphActive() ? " graph" : "") + (stats.fusedKernels() ? " fused" : ""), compute, r.promptIds().length, r.newIds().length,
                        String.format(Locale.ROOT, "%.1f", r.prefillTokensPerSecond()),
                        String.format(Locale.ROOT, "%.2f", r.decodeTokensPerSecond()), r.stopReason().name().toLowerCase(Locale.ROOT));
                t.print(System.out);
            }
        }
        return 0;
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
