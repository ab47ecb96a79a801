package dev.lowbit.cli;

import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.method.efficientqat.BlockApQuantizer;
import dev.lowbit.quant.method.efficientqat.E2eQpConfig;
import dev.lowbit.quant.method.efficientqat.EfficientQatConfig;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "efficientqat", mixinStandardHelpOptions = true,
        description = {"EfficientQAT: Block-AP trains every decoder block's weights, norms and per-group scales/zeros "
                + "against the full-precision block outputs; E2E-QP then trains only the step sizes of the whole "
                + "quantized model on next-token loss; the result is a GPTQ-packed (v2) checkpoint.",
                "Defaults scale with the model: hidden < 1024: 1024 windows x 512 tokens; < 4096: 2048 x 1024; "
                + "else the paper's 4096 x 2048. Batch 2, 2 epochs, lr_q 1e-4, lr_w 2e-5 (2-bit) / 1e-5 (3-4 bit), "
                + "64 validation windows; f32 (bf16 on CUDA from hidden size 1024).",
                "Loss curves: <out>/train_log.jsonl; per-block checkpoints: <out>/blockap/ (used by --resume)."},
        footer = {"", "Example:",
                "  lowbit quantize efficientqat --model fixtures/tiny --out out/tiny-eqat-w2g64 --bits 2 --group 64 \\",
                "      --calib fixtures/valid.txt --samples 64 --seq 128 --epochs 1",
                "Then: lowbit eval --model out/tiny-eqat-w2g64 --data fixtures/valid.txt"})
final class QuantizeEfficientQatCommand implements Callable<Integer> {
    @Mixin
    ModelOutputOptions paths;

    @Option(names = "--bits", required = true, description = "2, 3 or 4.")
    int bits;

    @Option(names = "--group", defaultValue = "128", description = "Group size; 0 = per output channel (default: ${DEFAULT-VALUE}).")
    long group;

    @Option(names = "--calib", required = true, paramLabel = "FILE", description = "Calibration text (plain text or jsonl).")
    Path calib;

    @Option(names = "--samples", description = "Calibration windows (default: scaled to the model).")
    Integer samples;

    @Option(names = "--seq", description = "Tokens per window (default: scaled to the model).")
    Integer seq;

    @Option(names = "--val-samples", description = "Held-out windows for the validation MSE (default: 64, capped at samples/4).")
    Integer valSamples;

    @Option(names = "--epochs", defaultValue = "2", description = "Epochs per block (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "2", description = "Windows per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr-w", description = "Weight/norm learning rate (default: 2e-5 at 2 bits, 1e-5 at 3-4).")
    Double lrW;

    @Option(names = "--lr-q", description = "Scale/zero learning rate (default: 1e-4).")
    Double lrQ;

    @Option(names = "--dtype", description = "Compute dtype f32|bf16|f16 (default: f32 on the CPU and for models with hidden size < 1024; bf16 on CUDA for larger models).")
    String dtype;

    @Option(names = "--spill-dir", paramLabel = "DIR", description = "Keep the activation caches in memory-mapped files here "
            + "(for caches larger than RAM) instead of in memory.")
    Path spillDir;

    @Option(names = "--resume", description = "Continue a stopped run in --out: at the first block not saved, or at the "
            + "last E2E-QP checkpoint.")
    boolean resume;

    @Option(names = "--e2e-checkpoint-every", defaultValue = "100", paramLabel = "STEPS",
            description = "Save the E2E-QP state every STEPS optimizer steps for --resume; 0: never (default: ${DEFAULT-VALUE}).")
    int e2eCheckpointEvery;

    @Option(names = "--e2e-stop-after-step", defaultValue = "-1", hidden = true,
            description = "Stop E2E-QP after this many steps, checkpointed (for resume tests).")
    long e2eStopAfter;

    @Option(names = "--stop-after-block", defaultValue = "-1", hidden = true,
            description = "Stop after saving this many blocks (for resume tests).")
    int stopAfter;

    @Option(names = "--no-e2e", description = "Skip E2E-QP (Block-AP only).")
    boolean noE2e;

    @Option(names = "--e2e-samples", description = "E2E-QP windows (default: twice --samples; sampled with seed + 1).")
    Integer e2eSamples;

    @Option(names = "--e2e-calib", paramLabel = "FILE", description = "Text the E2E-QP windows are drawn from (default: --calib).")
    Path e2eCalib;

    @Option(names = "--e2e-epochs", defaultValue = "1", description = "E2E-QP epochs (default: ${DEFAULT-VALUE}).")
    int e2eEpochs;

    @Option(names = "--e2e-batch", description = "E2E-QP windows per step (default: 4).")
    Integer e2eBatch;

    @Option(names = "--e2e-lr", description = "E2E-QP peak learning rate (default: 2e-5 at 2 bits, 1e-5 at 3-4), 3%% warmup, cosine.")
    Double e2eLr;

    @Option(names = "--e2e-loss", defaultValue = "kd", description = "E2E-QP loss: kd = distillation from the full-precision "
            + "model's top-k next-token distribution (default; keeps the model's behaviour instead of fitting the calibration "
            + "text), ce = next-token cross-entropy on the calibration text (the paper's).")
    String e2eLoss;

    @Option(names = "--kd-top-k", defaultValue = "32", description = "Teacher top-k kept per position for kd (default: ${DEFAULT-VALUE}).")
    int kdTopK;

    @Option(names = "--kd-alpha", defaultValue = "0", description = "Weight of the hard next-token CE mixed into the kd loss, "
            + "in [0, 1] (default: ${DEFAULT-VALUE}).")
    double kdAlpha;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        Path model = paths.model(), out = paths.out;
        Device device = common.device();
        ModelConfig mc = ModelConfig.load(model);
        DType compute = dtype == null ? EfficientQatConfig.defaultComputeDType(device.kind() == Device.Kind.CUDA, mc.hiddenSize())
                : switch (dtype.toLowerCase(Locale.ROOT)) {
                    case "f32", "fp32" -> DType.F32;
                    case "bf16" -> DType.BF16;
                    case "f16", "fp16" -> DType.F16;
                    default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                            "--dtype must be f32, bf16 or f16, got '" + dtype + "'");
                };
        EfficientQatConfig d = EfficientQatConfig.defaults(bits, group, mc.hiddenSize(), compute);
        int n = samples != null ? samples : d.samples();
        int val = valSamples != null ? valSamples : Math.min(d.valSamples(), n / 4);
        EfficientQatConfig config = new EfficientQatConfig(bits, group, n, seq != null ? seq : d.seq(), val, epochs, batch,
                lrW != null ? lrW : d.lrW(), lrQ != null ? lrQ : d.lrQ(), compute, common.seed);
        try (Engine engine = common.engine()) {
            E2eQpConfig e2e = null;
            if (!noE2e) {
                E2eQpConfig d2 = E2eQpConfig.defaults(config);
                int n2 = e2eSamples != null ? e2eSamples : d2.samples();
                e2e = new E2eQpConfig(n2, config.seq(), e2eEpochs, e2eBatch != null ? e2eBatch : Math.min(d2.batch(), n2),
                        e2eLr != null ? e2eLr : d2.lr(), d2.warmupFraction(), d2.maxGradNorm());
                E2eQpConfig.Loss loss = switch (e2eLoss.toLowerCase(Locale.ROOT)) {
                    case "kd" -> E2eQpConfig.Loss.KD;
                    case "ce" -> E2eQpConfig.Loss.CE;
                    default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                            "--e2e-loss must be kd or ce, got '" + e2eLoss + "'");
                };
                if (kdTopK < 1 || !(kdAlpha >= 0 && kdAlpha <= 1)) {
                    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                            "--kd-top-k must be >= 1 and --kd-alpha in [0, 1]");
                }
                e2e = e2e.withLoss(loss, kdTopK, kdAlpha).withText(e2eCalib);
            }
            if (e2eCheckpointEvery < 0) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--e2e-checkpoint-every must be >= 0");
            }
            BlockApQuantizer.Result r = new BlockApQuantizer(config, spillDir).withE2eCheckpointEvery(e2eCheckpointEvery)
                    .withE2eStopAfter(e2eStopAfter).quantize(model, calib, out, device, engine, resume, stopAfter, e2e,
                            new ConsoleProgress(System.err));
            Table t = new Table("block", "loss first", "loss last", "val mse (per epoch)", "seconds");
            for (BlockApQuantizer.BlockSummary b : r.blocks()) {
                StringBuilder v = new StringBuilder();
                for (double x : b.valMse()) v.append(v.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.4g", x));
                t.row(b.layer(), b.resumed() ? "(resumed)" : String.format(Locale.ROOT, "%.4g", b.firstLoss()),
                        b.resumed() ? "" : String.format(Locale.ROOT, "%.4g", b.lastLoss()), v.toString(),
                        String.format(Locale.ROOT, "%.1f", b.seconds()));
            }
            t.print(System.out);
            if (r.e2e() != null && r.e2e().stopped()) {
                System.out.printf(Locale.ROOT, "E2E-QP: stopped and checkpointed (%d steps planned), held-out loss before %.4f%n",
                        r.e2e().steps(), r.e2e().valBefore());
            } else if (r.e2e() != null) {
                System.out.printf(Locale.ROOT, "E2E-QP: %d steps, loss %.4f -> %.4f, held-out loss %.4f -> %.4f, %.1f s%n",
                        r.e2e().steps(), r.e2e().firstLoss(), r.e2e().lastLoss(), r.e2e().valBefore(), r.e2e().valAfter(),
                        r.e2e().seconds());
            }
            System.out.printf(Locale.ROOT, "%s %s: Block-AP train %.1f s, total %.1f s%s -> %s%n", config.label(),
                    config.computeDType(), r.trainSeconds(), r.totalSeconds(),
                    r.stopped() ? " (stopped early, resume with --resume)" : "", r.output());
            System.out.println("phases: " + r.phases());
        }
        return 0;
    }
}
