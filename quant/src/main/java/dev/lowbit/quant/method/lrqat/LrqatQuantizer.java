package dev.lowbit.quant.method.lrqat;

import dev.lowbit.quant.data.TextTokenizer;
import dev.lowbit.quant.data.TokenStream;
import dev.lowbit.quant.data.TokenWindows;
import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.export.GptqCheckpointWriter;
import dev.lowbit.quant.export.GptqConfig;
import dev.lowbit.quant.export.GptqFormat;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.progress.ProgressListener;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/**
 * LR-QAT over a whole model: p=4 grid-search init and down-cast, training on calibration windows (by default
 * distillation from the fp model over a fixed pool of windows, see {@link TrainingLoss}; or next-token loss)
 * (Java computes the learning-rate schedule and passes it each step), resumable checkpoints, then the merge to
 * plain integers exported as a GPTQ-packed checkpoint. The batch of step t is drawn from the calibration
 * tokens with seed (seed, t), so a resumed run sees exactly the data the uninterrupted run would have.
 */
public final class LrqatQuantizer {
    public static final String LOSS_LOG = "lrqat_loss.tsv";

    /**
     * @param initRelativeError sum (w_hat - w)^2 / sum w^2 at the p=4 grid-search starting point
     * @param initPerplexity    perplexity of the starting point on the eval file (NaN without one)
     * @param finalPerplexity   perplexity of the trained model on the eval file (NaN without one)
     * @param lastLoss          the last loss read back (NaN when no step ran)
     * @param steps             the last step run (fewer than configured when the time limit cut the run)
     */
    public record Result(Path output, List<Path> files, int steps, long tokens, long startStep, double initRelativeError,
                         double initPerplexity, double finalPerplexity, double firstLoss, double lastLoss,
                         double trainSeconds, double seconds) {}

    /** With a time limit, the speed of the first steps decides how many steps fit (the schedule is re-planned). */
    static final int PROBE_STEPS = 12;

    private final LrqatConfig config;

    public LrqatQuantizer(LrqatConfig config) {
        this.config = config;
    }

    /**
     * @param evalFile text scored by the fixture protocol before and after training (may be null)
     * @param resume   continue from the checkpoint in {@code out} if there is one
     */
    public Result quantize(Path model, Path calib, Path evalFile, Path out, Device device, boolean resume, Engine engine,
                           ProgressListener progress, TrainingListener listener) throws IOException {
        return quantize(model, calib, evalFile, dev.lowbit.quant.data.EvaluationProtocol.MAX_TOKENS, out, device, resume, engine,
                progress, listener);
    }

    /** As above, scoring only the first {@code evalTokens} tokens of {@code evalFile} (the protocol uses 600,000). */
    public Result quantize(Path model, Path calib, Path evalFile, int evalTokens, Path out, Device device, boolean resume,
                           Engine engine, ProgressListener progress, TrainingListener listener) throws IOException {
        long start = System.nanoTime();
        ModelConfig mc = ModelConfig.load(model);
        if (mc.isQuantized()) throw new IllegalArgumentException(model + " is already quantized; give the full-precision model");
        if (!Files.isRegularFile(calib)) throw new IllegalArgumentException("calibration file " + calib + " does not exist");
        if (!resume && TrainingCheckpoint.exists(out)) {
            // It may be hours of training: refused rather than overwritten at the next checkpoint.
            throw new IllegalArgumentException(out + " holds an LR-QAT checkpoint (" + TrainingCheckpoint.directory(out).getFileName()
                    + "/) of an earlier run: continue it with --resume (same settings), or delete that folder to start afresh");
        }
        if (resume && !TrainingCheckpoint.exists(out) && Files.exists(out.resolve(LOSS_LOG)) && Files.exists(out.resolve("config.json"))) {
            // a finished run removed its checkpoint: --resume would train every step again over its export
            throw new IllegalArgumentException("--resume: " + out + " holds a finished LR-QAT run (exported, no checkpoint left); "
                    + "delete that folder, or give another --out, to train again");
        }
        Files.createDirectories(out);
        TokenStream stream;
        TokenWindows evalWindows = null;
        try (TextTokenizer tokenizer = TextTokenizer.load(model)) {
            long needed = Math.max((long) config.seq() * 4, Math.min(50_000_000L, (long) config.steps() * config.tokensPerStep()));
            stream = TokenStream.fromFile(tokenizer, calib, (int) Math.min(Integer.MAX_VALUE, Math.max(needed, 100_000L)));
            if (evalFile != null) evalWindows = dev.lowbit.quant.data.EvaluationProtocol.windows(tokenizer, evalFile, evalTokens,
                    dev.lowbit.quant.data.EvaluationProtocol.SEQ_LEN);
        }
        if (stream.length() < config.seq()) {
            throw new IllegalArgumentException(calib + " yields " + stream.length() + " tokens, fewer than one window of " + config.seq());
        }
        TokenWindows evalSet = evalWindows;
        try (Checkpoint checkpoint = Checkpoint.open(model)) {
            boolean kd = config.loss() == TrainingLoss.KD && config.steps() > 0;
            // The distillation pool is fixed by the seed, so a resumed run recomputes the same teacher targets.
            TokenWindows pool = kd ? stream.sample(config.kdPool(), config.seq(), config.seed() * 0x9E3779B97F4A7C15L - 1) : null;
            LrqatModel m = engine.call(() -> LrqatModel.create(mc, config, checkpoint, device, false, pool, progress));
            try {
                long startStep = 0;
                if (resume && TrainingCheckpoint.exists(out)) {
                    startStep = engine.call(() -> TrainingCheckpoint.load(m, config, out));
                }
                double initPpl = Double.NaN;
                if (evalSet != null && startStep == 0) initPpl = engine.call(() -> perplexity(m, evalSet, progress));
                LearningRateSchedule schedule = new LearningRateSchedule(config.steps(), config.warmupFraction());
                Path log = out.resolve(LOSS_LOG);
                if (startStep == 0) Files.writeString(log, "step\tloss\tgrad_norm\tlr_ab\tlr_s\ttokens\tseconds\n");
                double firstLoss = Double.NaN;
                double lastLoss = Double.NaN;
                long trainStart = System.nanoTime();
                int stepsDone = (int) startStep;
                progress.start("LR-QAT " + config.label() + " (" + config.steps() + " steps of " + config.tokensPerStep() + " tokens)",
                        config.steps());
                try (Writer logWriter = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
                    int totalSteps = config.steps();
                    long firstStepDone = 0;
                    for (int step = (int) startStep + 1; step <= totalSteps; step++) {
                        double f = schedule.factor(step);
                        double lrAb = config.lrAb() * f;
                        double lrS = config.lrScales() * f;
                        boolean probe = config.timeLimitSeconds() > 0 && step == startStep + PROBE_STEPS;
                        boolean read = step % config.logEvery() == 0 || step == totalSteps || step == startStep + 1 || probe;
                        LrqatModel.StepStats stats;
                        if (kd) {
                            long[] rows = poolRows(step, pool.rows());
                            stats = engine.call(() -> m.trainStepKd(rows, config.kdWeight(), lrAb, lrS, config.clip(), read));
                        } else {
                            TokenWindows batch = stream.sample(config.batch(), config.seq(), batchSeed(step));
                            stats = engine.call(() -> m.trainStep(batch, lrAb, lrS, config.clip(), read));
                        }
                        if (stats != null) {
                            if (Double.isNaN(firstLoss)) firstLoss = stats.loss();
                            lastLoss = stats.loss();
                            logWriter.write(String.format(Locale.ROOT, "%d\t%.6f\t%.6f\t%.3e\t%.3e\t%d\t%.2f%n", step, stats.loss(),
                                    stats.gradNorm(), lrAb, lrS, step * config.tokensPerStep(), (System.nanoTime() - trainStart) / 1e9));
                            logWriter.flush();
                        }
                        if (step == startStep + 1) firstStepDone = System.nanoTime();
                        if (probe) {
                            // Fit the run into the time limit: the schedule is re-planned for the steps that fit.
                            double perStep = (System.nanoTime() - firstStepDone) / 1e9 / (PROBE_STEPS - 1);
                            double left = config.timeLimitSeconds() - (System.nanoTime() - trainStart) / 1e9;
                            int fit = step + (int) Math.max(0, Math.floor(left / perStep));
                            if (fit < totalSteps) {
                                totalSteps = fit;
                                schedule = new LearningRateSchedule(totalSteps, config.warmupFraction());
                            }
                        }
                        listener.onStep(step, totalSteps, stats, lrAb, lrS);
                        progress.advance(step);
                        stepsDone = step;
                        if (config.timeLimitSeconds() > 0 && (System.nanoTime() - trainStart) / 1e9 > 1.15 * config.timeLimitSeconds()) {
                            break;  // the estimate was off by more than 15%: stop, export what was reached
                        }
                        if (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0 && step < totalSteps) {
                            engine.run(() -> {
                                try {
                                    TrainingCheckpoint.save(m, config, out);
                                } catch (IOException e) {
                                    throw new java.io.UncheckedIOException(e);
                                }
                            });
                        }
                    }
                }
                if (config.steps() > 0) device.synchronize();
                double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
                progress.finish("");
                double finalPpl = evalSet == null ? Double.NaN : engine.call(() -> perplexity(m, evalSet, progress));
                List<Path> files = engine.call(() -> export(m, model, out));
                if (stepsDone == config.steps()) TrainingCheckpoint.delete(out);  // the export is the result now
                long steps = stepsDone - startStep;
                return new Result(out, files, stepsDone, steps * config.tokensPerStep(), startStep, m.initRelativeError(), initPpl,
                        finalPpl, firstLoss, lastLoss, trainSeconds, (System.nanoTime() - start) / 1e9);
            } finally {
                engine.run(m::close);
            }
        }
    }

    private long batchSeed(int step) {
        return config.seed() * 0x9E3779B97F4A7C15L + step;
    }

    /** The pool windows of step t: each pass over the pool is a fresh permutation drawn with seed (seed, pass). */
    long[] poolRows(int step, int poolRows) {
        long[] rows = new long[config.batch()];
        for (int i = 0; i < rows.length; i++) {
            long position = (long) (step - 1) * config.batch() + i;
            int pass = (int) (position / poolRows);
            rows[i] = permutation(pass, poolRows)[(int) (position % poolRows)];
        }
        return rows;
    }

    private int[] cachedPermutation;
    private int cachedPass = -1;

    private int[] permutation(int pass, int n) {
        if (pass != cachedPass || cachedPermutation == null || cachedPermutation.length != n) {
            int[] p = new int[n];
            for (int i = 0; i < n; i++) p[i] = i;
            java.util.SplittableRandom random = new java.util.SplittableRandom(batchSeed(-1 - pass));
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
            cachedPermutation = p;
            cachedPass = pass;
        }
        return cachedPermutation;
    }

    /** The fixture protocol's perplexity (exp of the mean NLL of every scored token) with the current weights. */
    static double perplexity(LrqatModel m, TokenWindows windows, ProgressListener progress) {
        int batch = 8;
        double sum = 0;
        long count = 0;
        progress.start("perplexity", windows.rows());
        for (int row = 0; row < windows.rows(); row += batch) {
            int n = Math.min(batch, windows.rows() - row);
            int[] ids = new int[n * windows.seq()];
            System.arraycopy(windows.tokens(), row * windows.seq(), ids, 0, ids.length);
            for (float v : m.nll(new TokenWindows(n, windows.seq(), ids))) {
                sum += v;
                count++;
            }
            progress.advance(row + n);
        }
        progress.finish("");
        return Math.exp(sum / count);
    }

    /** Merges every linear to integers and writes the GPTQ folder (symmetric: zero point 2^(b-1)). */
    List<Path> export(LrqatModel m, Path model, Path out) throws IOException {
        GptqConfig gptq = new GptqConfig(config.bits(), config.groupSize(), config.symmetric(), GptqFormat.V2);
        try (GptqCheckpointWriter writer = new GptqCheckpointWriter(model, gptq)) {
            for (int layer = 0; layer < m.config().numHiddenLayers(); layer++) {
                for (Projection p : Projection.values()) {
                    try (LrqatModel.Merged merged = m.merge(layer, p);
                         Tensor codes = merged.codes().to(DType.U8, Device.CPU);
                         Tensor scales = merged.scales().to(DType.F32, Device.CPU);
                         Tensor zeros = merged.zeros().to(DType.F32, Device.CPU)) {
                        writer.add(layer, p, codes, scales, zeros);
                    }
                }
            }
            return writer.write(out);
        }
    }
}
