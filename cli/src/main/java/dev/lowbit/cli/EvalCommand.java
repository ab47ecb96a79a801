package dev.lowbit.cli;

import dev.lowbit.quant.data.EvaluationProtocol;
import dev.lowbit.quant.data.TextTokenizer;
import dev.lowbit.quant.data.TokenWindows;
import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.eval.Perplexity;
import dev.lowbit.quant.model.LlamaModel;
import dev.lowbit.quant.model.ModelFolders;
import dev.lowbit.quant.model.ModelOptions;
import dev.lowbit.quant.model.Residency;
import dev.lowbit.quant.progress.ProgressListener;
import dev.lowbit.quant.tensor.DType;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Perplexity of a model (full precision or quantized) on a text or JSONL file.",
                "Protocol: documents split on blank lines, each encoded and ended with </s>, the first --max-tokens",
                "tokens cut into windows of --seq; exp(mean NLL of tokens 1..seq-1 of each window)."},
        footer = {"", "Examples:", "  lowbit eval --model fixtures/tiny --data fixtures/valid.txt",
                "  lowbit eval --model out/tiny-w4g128 --data fixtures/valid.txt --json",
                "  lowbit eval --model path/to/llama --data valid.jsonl --device cuda --dtype bf16"})
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder (config.json, safetensors, tokenizer.json).")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Text file, or .jsonl with {\"text\": ...} per line.")
    Path data;

    @Option(names = "--seq", defaultValue = "512", description = "Window length in tokens (default: ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--max-tokens", defaultValue = "600000", description = "Tokens of the file to use (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--batch", defaultValue = "8", description = "Windows per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--dtype", defaultValue = "f32", description = "Compute dtype: f32, bf16 or f16 (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--residency", defaultValue = "auto",
            description = "Decoder blocks on the device: auto (all if under 2 GB), resident (all) or streaming (one at a time).")
    String residency;

    @Option(names = "--json", description = "Print one JSON object on stdout instead of a table.")
    boolean json;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        if (seq < 2) throw new IllegalArgumentException("--seq must be >= 2, got " + seq);
        if (maxTokens < seq) throw new IllegalArgumentException("--max-tokens (" + maxTokens + ") must be >= --seq (" + seq + ")");
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        Paths.requireDirectory(model, "model folder");
        ModelOptions options = ModelOptions.defaults().withDevice(common.device()).withComputeDType(parseDType(dtype))
                .withResidency(parseResidency(residency));
        ProgressListener progress = new ConsoleProgress(System.err);
        TokenWindows windows;
        try (TextTokenizer tokenizer = TextTokenizer.load(model)) {
            windows = EvaluationProtocol.windows(tokenizer, data, maxTokens, seq);
        }
        try (Engine engine = common.engine(); LlamaModel m = ModelFolders.open(model, engine, options)) {
            Perplexity.Result r = Perplexity.evaluate(m, windows, batch, progress);
            if (json) {
                System.out.printf(Locale.ROOT,
                        "{\"model\": %s, \"data\": %s, \"perplexity\": %.4f, \"tokens\": %d, \"windows\": %d, \"seconds\": %.2f, "
                                + "\"tokens_per_second\": %.1f, \"device\": \"%s\", \"dtype\": \"%s\", \"residency\": \"%s\"}%n",
                        quote(model.toString()), quote(data.toString()), r.perplexity(), r.tokensScored(), r.windows(), r.seconds(),
                        r.tokensPerSecond(), options.device(), options.computeDType(), m.isResident() ? "resident" : "streaming");
            } else {
                Table t = new Table("model", "data", "perplexity", "windows", "tokens", "seconds", "tokens/s");
                t.row(model, data.getFileName(), String.format(Locale.ROOT, "%.3f", r.perplexity()), r.windows(), r.tokensScored(),
                        String.format(Locale.ROOT, "%.1f", r.seconds()), String.format(Locale.ROOT, "%.0f", r.tokensPerSecond()));
                t.print(System.out);
            }
        }
        return 0;
    }

    static DType parseDType(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "f32", "fp32", "float32" -> DType.F32;
            case "bf16", "bfloat16" -> DType.BF16;
            case "f16", "fp16", "float16" -> DType.F16;
            default -> throw new IllegalArgumentException("--dtype must be f32, bf16 or f16, got '" + text + "'");
        };
    }

    static Residency parseResidency(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "auto" -> Residency.AUTO;
            case "resident" -> Residency.RESIDENT;
            case "streaming" -> Residency.STREAMING;
            default -> throw new IllegalArgumentException("--residency must be auto, resident or streaming, got '" + text + "'");
        };
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
