package dev.lowbit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lowbit.quant.data.EvaluationProtocol;
import dev.lowbit.quant.data.TextTokenizer;
import dev.lowbit.quant.data.TokenWindows;
import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.eval.Perplexity;
import dev.lowbit.quant.export.GptqFormat;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.method.rtn.ReconstructionError;
import dev.lowbit.quant.method.rtn.RtnConfig;
import dev.lowbit.quant.method.rtn.RtnModelQuantizer;
import dev.lowbit.quant.model.LlamaModel;
import dev.lowbit.quant.model.ModelFolders;
import dev.lowbit.quant.model.ModelOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Quantize the bundled demo model (a 2.9M-parameter Llama) with RTN at 2, 3 and 4 bits and with",
                "EfficientQAT Block-AP at w2g64, write each as a GPTQ-packed checkpoint, read it back and compare",
                "perplexity with full precision. With EfficientQAT (the default) RTN runs w2g64 only and perplexity",
                "uses the first 32768 tokens (64 windows) of the validation text, to stay within a few CPU minutes;",
                "Block-AP and E2E-QP (distillation from the fp model) calibrate on windows from the second half of that",
                "text (disjoint from the evaluated part; the demo says so when --max-tokens reaches into it)."},
        footer = {"", "Examples:", "  lowbit demo", "  lowbit demo --max-tokens 600000      # the full evaluation protocol (slower)",
                "  lowbit demo --device cuda --out out/demo"})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR", description = "Model folder (default: the bundled tiny model).")
    Path model;

    @Option(names = "--data", paramLabel = "FILE", description = "Evaluation text (default: the bundled validation text).")
    Path data;

    @Option(names = "--max-tokens",
            description = "Evaluation tokens (default: 32768 with EfficientQAT, else 131072; the reference numbers use 600000).")
    Integer maxTokensOption;

    @Option(names = "--no-efficientqat", description = "Skip EfficientQAT (RTN at all settings, 131072 evaluation tokens).")
    boolean noEfficientQat;

    @Option(names = "--eqat-samples", defaultValue = "48", description = "Block-AP calibration windows (default: ${DEFAULT-VALUE}).")
    int eqatSamples;

    @Option(names = "--eqat-seq", defaultValue = "128", description = "Block-AP window length (default: ${DEFAULT-VALUE}).")
    int eqatSeq;

    @Option(names = "--eqat-epochs", defaultValue = "2", description = "Block-AP epochs (default: ${DEFAULT-VALUE}).")
    int eqatEpochs;

    @Option(names = "--out", paramLabel = "DIR", description = "Keep the quantized checkpoints here (default: a temporary folder).")
    Path out;

    @Mixin
    CommonOptions common;

    private static final List<RtnConfig> SETTINGS = List.of(RtnConfig.asymmetric(4, 128), RtnConfig.asymmetric(3, 128),
            RtnConfig.asymmetric(2, 64), RtnConfig.symmetricPerChannel(4));

    @Override
    public Integer call() throws Exception {
        boolean bundled = model == null;
        int maxTokens = maxTokensOption != null ? maxTokensOption : noEfficientQat ? 131072 : 32768;
        Path dir = Paths.requireDirectory(bundled ? Paths.demoModel() : model, "model folder");
        Path text = data == null ? Paths.demoText() : data;
        ModelConfig config = ModelConfig.load(dir);
        System.out.printf("model  %s (%s, %d layers, hidden %d)%n", dir, config.architecture().className(),
                config.numHiddenLayers(), config.hiddenSize());
        ConsoleProgress progress = new ConsoleProgress(System.err);
        Path work = out != null ? Files.createDirectories(out) : Files.createTempDirectory("lowbit-demo");
        try (Engine engine = common.engine()) {
            reconstruction(dir, config, engine, progress);
            TokenWindows windows;
            try (TextTokenizer tokenizer = TextTokenizer.load(dir)) {
                windows = EvaluationProtocol.windows(tokenizer, text, maxTokens, EvaluationProtocol.SEQ_LEN);
            }
            JsonNode reference = bundled ? reference() : null;
            boolean fullProtocol = maxTokens >= EvaluationProtocol.MAX_TOKENS;
            Table table = new Table("model", "bits/weight", "perplexity", "vs fp", "reference (HF)", "seconds");
            double fp = perplexity(dir, windows, engine, progress, "fp");
            table.row("fp (" + config.dtype() + ")", 16, fmt(fp), "", referenceText(reference, "fp_valid", fullProtocol), "");
            for (RtnConfig s : noEfficientQat ? SETTINGS : List.of(RtnConfig.asymmetric(2, 64))) {
                Path q = work.resolve("rtn-" + s.label().replace(' ', '-'));
                RtnModelQuantizer.Result r = new RtnModelQuantizer(s, RtnModelQuantizer.Format.GPTQ, GptqFormat.V2)
                        .quantize(dir, q, common.device(), engine, progress);
                double ppl = perplexity(q, windows, engine, progress, s.label());
                table.row("RTN " + s.label() + " (GPTQ packed, read back)", bitsPerWeight(s, config),
                        fmt(ppl), String.format(Locale.ROOT, "%+.1f%%", 100 * (ppl / fp - 1)),
                        referenceText(reference, referenceKey(s), fullProtocol), String.format(Locale.ROOT, "%.1f", r.seconds()));
            }
            if (!noEfficientQat) {
                efficientQat(dir, text, config, work, windows, engine, progress, table, fp);
            }
            System.out.println();
            System.out.printf("Validation perplexity, %d windows x %d tokens of %s%s:%n", windows.rows(), windows.seq(), text.getFileName(),
                    fullProtocol ? " (the full protocol of fixtures/README.md)" : " (reference numbers use 600,000 tokens: --max-tokens 600000)");
            table.print(System.out);
        } finally {
            if (out == null) deleteTree(work);
        }
        return 0;
    }

    private void efficientQat(Path dir, Path text, ModelConfig config, Path work, TokenWindows windows, Engine engine,
                              ConsoleProgress progress, Table table, double fp) throws IOException {
        String all = Files.readString(text);
        Path calib = work.resolve("calib.txt");
        Files.writeString(calib, all.substring(all.length() / 2));
        // The evaluated windows are the first tokens of the text: check they end within its first half.
        Path firstHalf = work.resolve("first-half.txt");
        Files.writeString(firstHalf, all.substring(0, all.length() / 2));
        long evaluated = (long) windows.rows() * windows.seq(), available;
        try (TextTokenizer tokenizer = TextTokenizer.load(dir)) {
            available = dev.lowbit.quant.data.TokenStream.fromFile(tokenizer, firstHalf, dev.lowbit.quant.data.TokenStream.UNLIMITED).length();
        }
        Files.delete(firstHalf);
        if (evaluated > available) {
            System.out.printf(Locale.ROOT, "note: the %d evaluated tokens extend past the first half of %s (%d tokens), into the "
                    + "EfficientQAT calibration text; use --max-tokens %d or less for disjoint text%n", evaluated,
                    text.getFileName(), available, available);
        }
        dev.lowbit.quant.tensor.DType compute = common.device().kind() == dev.lowbit.quant.tensor.Device.Kind.CUDA
                ? dev.lowbit.quant.tensor.DType.BF16 : dev.lowbit.quant.tensor.DType.F32;
        var qat = new dev.lowbit.quant.method.efficientqat.EfficientQatConfig(2, 64, eqatSamples, eqatSeq,
                Math.max(2, eqatSamples / 8), eqatEpochs, 2,
                2e-5, 1e-4, compute, common.seed);
        Path q = work.resolve("efficientqat-w2g64");
        Path q2 = work.resolve("efficientqat-w2g64-e2e");
        // The demo's own folders: a rerun with the same --out trains afresh rather than resuming.
        deleteTree(q);
        deleteTree(q2);
        var r = new dev.lowbit.quant.method.efficientqat.BlockApQuantizer(qat).quantize(dir, calib, q, common.device(), engine,
                false, -1, progress);
        double ppl = perplexity(q, windows, engine, progress, "Block-AP w2g64");
        table.row(String.format(Locale.ROOT, "EfficientQAT Block-AP w2g64 (%d x %d calib, %d epochs)", eqatSamples, eqatSeq, eqatEpochs),
                bitsPerWeight(RtnConfig.asymmetric(2, 64), config), fmt(ppl),
                String.format(Locale.ROOT, "%+.1f%%", 100 * (ppl / fp - 1)), "", String.format(Locale.ROOT, "%.1f", r.totalSeconds()));
        // E2E-QP on top of the same Block-AP blocks (resumed from the saved per-block state: no retraining).
        var e2e = new dev.lowbit.quant.method.efficientqat.E2eQpConfig(eqatSamples, eqatSeq, 1, 4, 1e-4, 0.03, 0.3);
        copyTree(q.resolve("blockap"), q2.resolve("blockap"));
        var r2 = new dev.lowbit.quant.method.efficientqat.BlockApQuantizer(qat).quantize(dir, calib, q2, common.device(), engine,
                true, -1, e2e, progress);
        double ppl2 = perplexity(q2, windows, engine, progress, "Block-AP + E2E-QP w2g64");
        table.row(String.format(Locale.ROOT, "EfficientQAT Block-AP + E2E-QP w2g64 (kd from fp, %d steps)", r2.e2e().steps()),
                bitsPerWeight(RtnConfig.asymmetric(2, 64), config), fmt(ppl2),
                String.format(Locale.ROOT, "%+.1f%%", 100 * (ppl2 / fp - 1)), "", String.format(Locale.ROOT, "%.1f", r2.e2e().seconds()));
    }

    private void reconstruction(Path dir, ModelConfig config, Engine engine, ConsoleProgress progress) throws IOException {
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            List<ReconstructionError.Row> rows = ReconstructionError.measure(config, checkpoint, SETTINGS, common.device(),
                    engine, progress);
            System.out.println();
            System.out.println("RTN weight reconstruction error over all q/k/v/o/gate/up/down linears (||W - Q(W)||_F / ||W||_F):");
            Table table = new Table("setting", "bits", "group", "linears", "weights", "relative error");
            for (ReconstructionError.Row r : rows) {
                table.row(r.config().label(), r.config().bits(),
                        r.config().groupSize() > 0 ? String.valueOf(r.config().groupSize()) : "channel",
                        r.linears(), r.weights(), String.format(Locale.ROOT, "%.4f", r.relativeError()));
            }
            table.print(System.out);
        }
    }

    private double perplexity(Path folder, TokenWindows windows, Engine engine, ConsoleProgress progress, String what) throws IOException {
        ModelOptions options = ModelOptions.defaults().withDevice(common.device());
        try (LlamaModel m = ModelFolders.open(folder, engine, options)) {
            progress.start("perplexity " + what, 0);
            return Perplexity.evaluate(m, windows, Perplexity.DEFAULT_BATCH_SIZE, progress).perplexity();
        }
    }

    /** Stored bits per quantized weight: codes plus an f16 scale and a packed zero point per group. */
    private static String bitsPerWeight(RtnConfig s, ModelConfig c) {
        double group = s.groupSize() > 0 ? s.groupSize() : c.hiddenSize();
        return String.format(Locale.ROOT, "%.2f", s.bits() + (16.0 + s.bits()) / group);
    }

    private static String referenceKey(RtnConfig s) {
        return s.symmetric() ? "rtn_sym_w" + s.bits() + "_perchannel_valid" : "rtn_w" + s.bits() + "g" + s.groupSize() + "_valid";
    }

    private static String referenceText(JsonNode reference, String key, boolean fullProtocol) {
        if (reference == null || !reference.has(key)) return "";
        return fmt(reference.get(key).asDouble()) + (fullProtocol ? "" : " (600k tokens)");
    }

    private static JsonNode reference() throws IOException {
        Path file = Paths.home().resolve("fixtures/reference.json");
        return Files.isRegularFile(file) ? new ObjectMapper().readTree(file.toFile()).path("tiny") : null;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path p : files.toList()) Files.copy(p, to.resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
