package dev.lowbit.cli;

import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.method.lrqat.Downcast;
import dev.lowbit.quant.method.lrqat.LrqatConfig;
import dev.lowbit.quant.method.lrqat.LrqatQuantizer;
import dev.lowbit.quant.method.lrqat.TrainingListener;
import dev.lowbit.quant.method.lrqat.TrainingLoss;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "lrqat", mixinStandardHelpOptions = true,
        description = {"LR-QAT: low-rank QAT of the whole model on a down-cast frozen weight, merged to plain integers",
                "and exported GPTQ-packed. Starts from RTN with p=4 grid-searched scales; trains A, B (rank r) and the",
                "scales by distillation from the full-precision model (default) or next-token loss over calibration windows;",
                "writes lrqat_loss.tsv and resumable checkpoints."},
        footer = {"", "Examples:",
                "  lowbit quantize lrqat --model fixtures/tiny --out out/tiny-lrqat-w4 --bits 4 --calib fixtures/valid.txt --steps 50",
                "  lowbit quantize lrqat --model small --out out/w2 --bits 2 --group 128 --asym --calib calib.txt --device cuda",
                "Then: lowbit eval --model out/tiny-lrqat-w4 --data fixtures/valid.txt"})
final class QuantizeLrqatCommand implements Callable<Integer> {
    @Mixin
    ModelOutputOptions paths;

    @Option(names = "--bits", required = true, description = "2, 3 or 4.")
    int bits;

    @Option(names = "--group", defaultValue = "0", description = "Group size; 0 = per output channel (default: ${DEFAULT-VALUE}).")
    long group;

    @Option(names = "--asym", description = "Asymmetric grid with a zero point (the paper's 2-bit setting); symmetric by default.")
    boolean asym;

    @Option(names = "--rank", description = "Rank r of A and B (default: 32).")
    Integer rank;

    @Option(names = "--alpha", defaultValue = "1", description = "AB is scaled by alpha/r (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--downcast", defaultValue = "q8", description = "Storage of W0/s0: q8 (int8 Qb.(8-b)), int4 or bf16 (default: ${DEFAULT-VALUE}).")
    String downcast;

    @Option(names = "--calib", required = true, paramLabel = "FILE", description = "Calibration text for the training windows.")
    Path calib;

    @Option(names = "--eval", paramLabel = "FILE", description = "Also report the perplexity (fixture protocol) of the p=4 starting point and of the result on this text.")
    Path eval;

    @Option(names = "--eval-tokens", defaultValue = "600000", description = "Tokens of --eval to score (default: ${DEFAULT-VALUE}, the fixture protocol).")
    int evalTokens;

    @Option(names = "--steps", description = "Optimizer steps; 0 exports the p=4 grid-search starting point (default: the paper's tokens per weight, at least 3.3M tokens at 3-4 bits and 6.6M at 2 bits).")
    Integer steps;

    @Option(names = "--batch", description = "Windows per step (default: 16; 32 from 1B weights).")
    Integer batch;

    @Option(names = "--seq", description = "Tokens per window (default: 512; 1024 from 1B weights).")
    Integer seq;

    @Option(names = "--lr-ab", description = "Peak learning rate of A and B (default: 1e-3).")
    Double lrAb;

    @Option(names = "--lr-s", description = "Peak learning rate of the scales (default: 1e-5).")
    Double lrS;

    @Option(names = "--warmup", description = "Warmup fraction of the steps, then linear decay (default: 0.1).")
    Double warmup;

    @Option(names = "--clip", description = "Global grad-norm clip, 0 = none (default: 1.0).")
    Double clip;

    @Option(names = "--checkpoint-every", description = "Checkpoint every N steps, 0 = never (default: a tenth of the steps, at least 100).")
    Integer checkpointEvery;

    @Option(names = "--log-every", description = "Read the loss back every N steps (default: 1 on cpu, 10 on cuda).")
    Integer logEvery;

    @Option(names = "--dtype", description = "Compute dtype f32|bf16 (default: f32; bf16 on cuda from 1B weights).")
    String dtype;

    @Option(names = "--time-limit", defaultValue = "0", paramLabel = "SECONDS",
            description = "Stop training after this many seconds and export what was reached, 0 = no limit (default: ${DEFAULT-VALUE}).")
    double timeLimit;

    @Option(names = "--ab-dtype", description = "dtype of A and B: bf16|f32 (default: f32; bf16 on cuda from 1B weights, as the paper).")
    String abDtype;

    @Option(names = "--loss", defaultValue = "kd", description = {
            "Training loss: kd = distillation from the full-precision model (its top-k next-token distribution over a fixed",
            "pool of calibration windows, computed once before the fp weights are dropped), ce = next-token loss on the",
            "calibration text, which adapts the model to that text's domain and can raise other text's perplexity",
            "(default: ${DEFAULT-VALUE})."})
    String loss;

    @Option(names = "--kd-alpha", defaultValue = "1", description = "kd: weight of the distillation term; 1 - it weights next-token CE (default: ${DEFAULT-VALUE}).")
    double kdAlpha;

    @Option(names = "--kd-top-k", defaultValue = "32", description = "kd: teacher token ids kept per position (default: ${DEFAULT-VALUE}).")
    int kdTopK;

    @Option(names = "--kd-pool", description = "kd: calibration windows with precomputed teacher targets that batches are drawn from (default: min(1024, steps x batch)).")
    Integer kdPool;

    @Option(names = "--resume", description = "Continue from the checkpoint in --out.")
    boolean resume;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        Path model = paths.model(), out = paths.out;
        Device device = common.device();
        boolean cuda = device.kind() == Device.Kind.CUDA;
        LrqatConfig d = LrqatConfig.defaults(ModelConfig.load(model), bits, group, !asym, cuda);
        DType compute = dtype == null ? d.computeDType() : switch (dtype.toLowerCase(Locale.ROOT)) {
            case "f32" -> DType.F32;
            case "bf16" -> DType.BF16;
            default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--dtype must be f32 or bf16");
        };
        DType ab = abDtype == null ? d.abDType() : switch (abDtype.toLowerCase(Locale.ROOT)) {
            case "f32" -> DType.F32;
            case "bf16" -> DType.BF16;
            default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--ab-dtype must be f32 or bf16");
        };
        LrqatConfig config = new LrqatConfig(bits, group, !asym, rank == null ? d.rank() : rank, alpha, Downcast.parse(downcast),
                steps == null ? d.steps() : steps, batch == null ? d.batch() : batch, seq == null ? d.seq() : seq,
                lrAb == null ? d.lrAb() : lrAb, lrS == null ? d.lrScales() : lrS, warmup == null ? d.warmupFraction() : warmup,
                clip == null ? d.clip() : clip, checkpointEvery == null ? d.checkpointEvery() : checkpointEvery,
                logEvery == null ? d.logEvery() : logEvery, ab, compute, common.seed, timeLimit, TrainingLoss.parse(loss), kdAlpha,
                kdTopK, kdPool != null ? kdPool : LrqatConfig.defaultPool(steps == null ? d.steps() : steps, batch == null ? d.batch() : batch));
        TrainingListener listener = (step, total, stats, a, s) -> {
            if (stats != null) {
                System.err.printf(Locale.ROOT, "\rstep %d/%d  loss %.4f  grad-norm %.3f  lr-ab %.2e  lr-s %.2e%n", step, total,
                        stats.loss(), stats.gradNorm(), a, s);
            }
        };
        try (Engine engine = common.engine()) {
            LrqatQuantizer.Result r = new LrqatQuantizer(config).quantize(model, calib, eval, evalTokens, out, device, resume, engine,
                    new ConsoleProgress(System.err), listener);
            Table t = new Table("output", "setting", "rank", "downcast", "steps", "tokens", "p=4 init rel. error",
                    "p=4 init ppl", "final ppl", "first loss", "last loss", "train s", "total s");
            t.row(r.output(), config.label(), config.rank(), config.downcast().name().toLowerCase(Locale.ROOT),
                    r.steps() + (r.startStep() > 0 ? " (resumed at " + r.startStep() + ")" : ""), r.tokens(),
                    String.format(Locale.ROOT, "%.5f", r.initRelativeError()), fmt(r.initPerplexity()), fmt(r.finalPerplexity()),
                    fmt(r.firstLoss()), fmt(r.lastLoss()), String.format(Locale.ROOT, "%.1f", r.trainSeconds()),
                    String.format(Locale.ROOT, "%.1f", r.seconds()));
            t.print(System.out);
            System.out.printf(Locale.ROOT, "lrqat_result steps=%d tokens=%d train_s=%.1f init_rel_error=%.5f first_loss=%s last_loss=%s%n",
                    r.steps(), r.tokens(), r.trainSeconds(), r.initRelativeError(), fmt(r.firstLoss()), fmt(r.lastLoss()));
        }
        return 0;
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }
}
