package dev.lowbit.quant.method.efficientqat;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.LowbitException;
import dev.lowbit.quant.Native;
import dev.lowbit.quant.Status;
import dev.lowbit.quant.data.TextTokenizer;
import dev.lowbit.quant.data.TokenStream;
import dev.lowbit.quant.data.TokenWindows;
import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.export.GptqCheckpointWriter;
import dev.lowbit.quant.export.GptqConfig;
import dev.lowbit.quant.export.GptqFormat;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.LlamaWeights;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.model.BlockWeightSource;
import dev.lowbit.quant.model.BlockWeights;
import dev.lowbit.quant.model.DecoderBlock;
import dev.lowbit.quant.progress.ProgressListener;
import dev.lowbit.quant.tensor.CheckpointTensors;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * EfficientQAT Block-AP over a whole model (specs/efficientqat.md, "Block-AP"), then a GPTQ-packed export.
 * For each decoder block in order: targets y = block_fp(fp_in); train the fake-quantized block on
 * (q_in -> y); save its quantized state (codes, scales, zeros, norms) to {@code <out>/blockap/};
 * q_in = block_q(q_in); fp_in = y. A resumed run rebuilds the caches by running the saved blocks and
 * continues with the first block not saved: the same result as an uninterrupted run.
 */
public final class BlockApQuantizer {
    /** Per block: mean loss of the first and last 16 steps, validation MSE after each epoch, seconds. */
    public record BlockSummary(int layer, boolean resumed, double firstLoss, double lastLoss, double[] valMse, double seconds) {}

    /** e2e is null when E2E-QP did not run; phases: wall seconds of tokenize, embed, targets, setup, train, save,
     *  propagate, export, e2e (those that ran). */
    public record Result(Path output, List<BlockSummary> blocks, double trainSeconds, double totalSeconds, boolean stopped,
                         E2eQpResult e2e, PhaseTimes phases) {}

    /** Largest caches (both, bytes) moved to the GPU for training; larger ones stream from host memory. */
    private static final long DEVICE_CACHE_LIMIT = 16L << 30;
    /** Largest total of the three caches kept resident on a CUDA device for the whole run. */
    private static final long RESIDENT_CACHE_LIMIT = 6L << 30;
    private static final int LOSS_CHUNK = 64;

    /** Default E2E-QP checkpoint interval, in optimizer steps. */
    public static final int DEFAULT_E2E_CHECKPOINT_EVERY = 100;
    static final String E2E_STATE = "e2e_state.bin";

    private final EfficientQatConfig config;
    private final Path spillDir;
    private int e2eCheckpointEvery = DEFAULT_E2E_CHECKPOINT_EVERY;
    private long e2eStopAfter = -1;
    private Boolean residentCaches;

    public BlockApQuantizer(EfficientQatConfig config) {
        this(config, null);
    }

    /** spillDir: keep the activation caches in memory-mapped files there (null: in memory). */
    public BlockApQuantizer(EfficientQatConfig config, Path spillDir) {
        this.config = config;
        this.spillDir = spillDir;
    }

    /** Saves the E2E-QP state every {@code steps} optimizer steps (0: never) for {@code --resume}. */
    public BlockApQuantizer withE2eCheckpointEvery(int steps) {
        if (steps < 0) throw new IllegalArgumentException("E2E-QP checkpoint interval must be >= 0, got " + steps);
        this.e2eCheckpointEvery = steps;
        return this;
    }

    /** Keeps the activation caches in native tensors on the run's device (true), in host memory (false), or decides (null). */
    BlockApQuantizer withResidentCaches(Boolean resident) {
        this.residentCaches = resident;
        return this;
    }

    /** Stops E2E-QP (checkpointed, not exported) after this many optimizer steps; < 0 runs to the end. */
    public BlockApQuantizer withE2eStopAfter(long steps) {
        this.e2eStopAfter = steps;
        return this;
    }

    /**
     * @param stopAfterBlocks stop (without export) once this many blocks are saved; < 0 runs to the end
     */
    public Result quantize(Path model, Path calib, Path out, Device device, Engine engine, boolean resume,
                           int stopAfterBlocks, ProgressListener progress) throws IOException {
        return quantize(model, calib, out, device, engine, resume, stopAfterBlocks, null, progress);
    }

    /** As above, then E2E-QP with {@code e2e} (null: Block-AP only) before the export. */
    public Result quantize(Path model, Path calib, Path out, Device device, Engine engine, boolean resume,
                           int stopAfterBlocks, E2eQpConfig e2e, ProgressListener progress) throws IOException {
        long start = System.nanoTime();
        PhaseTimes phases = new PhaseTimes();
        ModelConfig mc = ModelConfig.load(model);
        if (mc.isQuantized()) throw new IllegalArgumentException(model + " is already quantized; give the full-precision model");
        checkGroupDividesInputs(mc);
        int rowsTotal = config.samples() + config.valSamples();
        TokenWindows windows;
        TokenWindows e2eWindows = null;
        try (TextTokenizer tokenizer = TextTokenizer.load(model)) {
            TokenStream stream = TokenStream.fromFile(tokenizer, calib, TokenStream.UNLIMITED);
            windows = TokenWindows.sampled(stream, rowsTotal, config.seq(), config.seed());
            if (e2e != null) {
                TokenStream e2eStream = e2e.text() == null ? stream : TokenStream.fromFile(tokenizer, e2e.text(), TokenStream.UNLIMITED);
                e2eWindows = TokenWindows.sampled(e2eStream, e2e.samples(), e2e.seq(), config.seed() + 1);
            }
        }
        phases.add("tokenize", start);
        Files.createDirectories(out);
        BlockStateStore store = new BlockStateStore(out.resolve("blockap"));
        int done = store.prepare(config.fingerprint(), resume);
        Path logFile = out.resolve("train_log.jsonl");
        try (Checkpoint checkpoint = Checkpoint.open(model);
             BufferedWriter log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                     resume ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            mc.weights().validateAgainst(checkpoint);
            List<BlockSummary> summaries = new ArrayList<>();
            double[] trainSeconds = {0};
            boolean stopped = engine.call(() -> runBlocks(mc, checkpoint, windows, store, done, device, stopAfterBlocks,
                    log, progress, summaries, trainSeconds, phases));
            E2eQpResult e2eResult = null;
            if (!stopped) {
                TokenWindows e2eTrain = e2eWindows;
                e2eResult = engine.call(() -> {
                    if (e2e == null) {
                        long t = System.nanoTime();
                        export(model, mc, store, out, null);
                        phases.add("export", t);
                        return null;
                    }
                    long e2eStart = System.nanoTime();
                    try (TeacherTopK teacher = e2e.loss() == E2eQpConfig.Loss.KD
                                 ? TeacherTopK.compute(model, e2eTrain, e2e.teacherTopK(), e2e.batch(), device, config.computeDType(),
                                         engine, spillDir, progress)
                                 : null;
                         E2eQpTrainer trainer = new E2eQpTrainer(mc, checkpoint, store, config, device)) {
                        TokenWindows val = heldOut(windows);
                        E2eStateStore state = new E2eStateStore(out.resolve(E2E_STATE), config.fingerprint() + " | " + e2e);
                        if (!resume) state.delete();
                        E2eQpResult r = trainer.train(e2e, e2eTrain, teacher, val, log, progress,
                                new E2eQpTrainer.Checkpoints(state, resume, e2eCheckpointEvery, e2eStopAfter));
                        long t = phases.add("e2e", e2eStart);
                        if (!r.stopped()) {
                            export(model, mc, store, out, trainer);
                            state.delete();
                            phases.add("export", t);
                        }
                        return r;
                    }
                });
            }
            boolean e2eStopped = e2eResult != null && e2eResult.stopped();
            return new Result(out, summaries, trainSeconds[0], (System.nanoTime() - start) / 1e9, stopped || e2eStopped, e2eResult,
                    phases);
        }
    }

    /** A group must divide the input width of every linear (hidden, heads x head_dim, intermediate). */
    private void checkGroupDividesInputs(ModelConfig mc) {
        long g = config.groupSize();
        if (g <= 0) return;
        long[] ins = {mc.hiddenSize(), (long) mc.numAttentionHeads() * mc.headDim(), mc.intermediateSize()};
        String[] names = {"hidden_size (q/k/v/gate/up inputs)", "num_attention_heads x head_dim (o_proj input)", "intermediate_size (down_proj input)"};
        for (int i = 0; i < ins.length; i++) {
            if (g < ins[i] && ins[i] % g != 0) {
                throw new IllegalArgumentException("--group " + g + " does not divide " + names[i] + " = " + ins[i]
                        + "; choose a divisor of it, or 0 for per-channel scales");
            }
        }
    }

    private boolean runBlocks(ModelConfig mc, Checkpoint checkpoint, TokenWindows windows, BlockStateStore store, int done,
                              Device device, int stopAfterBlocks, BufferedWriter log, ProgressListener progress,
                              List<BlockSummary> summaries, double[] trainSeconds, PhaseTimes phases) throws IOException {
        long rows = windows.rows(), seq = windows.seq(), hidden = mc.hiddenSize();
        int chunk = Math.max(1, (int) Math.min(rows, (1L << 16) / seq));  // rows per inference pass
        BlockWeightSource source = BlockWeightSource.of(mc, checkpoint);
        try (Caches caches = openCaches(rows, seq, hidden, device)) {
            ActivationCache fpIn = caches.fpIn(), qIn = caches.qIn(), target = caches.target();
            long t = System.nanoTime();
            embed(checkpoint, windows, fpIn, chunk);
            qIn.copyFrom(fpIn);
            phases.add("embed", t);
            ActivationCache fp = fpIn, y = target;
            for (int layer = 0; layer < mc.numHiddenLayers(); layer++) {
                if (stopAfterBlocks >= 0 && layer >= stopAfterBlocks) return true;
                long blockStart = System.nanoTime();
                try (BlockWeights weights = source.load(layer, device)) {
                    try (DecoderBlock block = DecoderBlock.create(mc, config.computeDType(), weights, device)) {
                        for (long r = 0; r < rows; r += chunk) {
                            long n = Math.min(chunk, rows - r);
                            try (Tensor x = fp.rows(r, n); Tensor out = block.forward(x)) {
                                y.write(r, out);
                            }
                        }
                    }
                    long phase = phases.add("targets", blockStart);
                    boolean resumed = layer < done;
                    BlockSummary summary;
                    try (QatBlock q = resumed ? restore(mc, store, layer, weights, device) : QatBlock.create(mc, weights, config, device)) {
                        if (resumed) {
                            summary = new BlockSummary(layer, true, Double.NaN, Double.NaN, new double[0], 0);
                        } else {
                            phase = phases.add("setup", phase);
                            long trainStart = System.nanoTime();
                            summary = train(layer, q, qIn, y, device, log, progress, mc.numHiddenLayers());
                            trainSeconds[0] += (System.nanoTime() - trainStart) / 1e9;
                            phase = phases.add("train", trainStart);
                            store.save(layer, q);
                            phase = phases.add("save", phase);
                        }
                        for (long r = 0; r < rows; r += chunk) {
                            long n = Math.min(chunk, rows - r);
                            try (Tensor out = q.forward(qIn.tensor(), r, n)) {
                                qIn.write(r, out);
                            }
                        }
                        phases.add("propagate", phase);
                    }
                    summaries.add(new BlockSummary(summary.layer(), summary.resumed(), summary.firstLoss(), summary.lastLoss(),
                            summary.valMse(), (System.nanoTime() - blockStart) / 1e9));
                }
                ActivationCache swap = fp;
                fp = y;
                y = swap;
            }
            return false;
        }
    }

    /** Caches on the device when asked, or by default on CUDA when the three fit in RESIDENT_CACHE_LIMIT and no spill folder is set. */
    private boolean residentCaches(long rows, long seq, long hidden, Device device) {
        if (residentCaches != null) return residentCaches;
        long three = Math.multiplyExact(3, ActivationCache.bytes(rows, seq, hidden, config.cacheDType()));
        return device.kind() == Device.Kind.CUDA && spillDir == null && three <= RESIDENT_CACHE_LIMIT;
    }

    private ActivationCache cache(boolean resident, long rows, long seq, long hidden, Device device) {
        return resident ? ActivationCache.resident(rows, seq, hidden, config.cacheDType(), device)
                : ActivationCache.host(rows, seq, hidden, config.cacheDType(), spillDir);
    }

    /** The three caches fp_in, q_in and the block targets. */
    private record Caches(ActivationCache fpIn, ActivationCache qIn, ActivationCache target) implements AutoCloseable {
        @Override
        public void close() {
            for (ActivationCache c : new ActivationCache[] {fpIn, qIn, target}) {
                if (c != null) c.close();
            }
        }
    }

    /**
     * Opens the caches; when they were put on the device by default (not asked for) and the device runs out of
     * memory, they go to host memory instead.
     */
    private Caches openCaches(long rows, long seq, long hidden, Device device) {
        boolean resident = residentCaches(rows, seq, hidden, device);
        try {
            return openCaches(resident, rows, seq, hidden, device);
        } catch (LowbitException e) {
            if (!resident || residentCaches != null || e.status() != Status.OUT_OF_MEMORY) throw e;
            return openCaches(false, rows, seq, hidden, device);
        }
    }

    private Caches openCaches(boolean resident, long rows, long seq, long hidden, Device device) {
        ActivationCache fpIn = null, qIn = null;
        try {
            fpIn = cache(resident, rows, seq, hidden, device);
            qIn = cache(resident, rows, seq, hidden, device);
            return new Caches(fpIn, qIn, cache(resident, rows, seq, hidden, device));
        } catch (RuntimeException e) {
            new Caches(fpIn, qIn, null).close();
            throw e;
        }
    }

    private void embed(Checkpoint checkpoint, TokenWindows windows, ActivationCache cache, int chunk) {
        try (Tensor table = CheckpointTensors.load(checkpoint, LlamaWeights.EMBED_TOKENS, Device.CPU)) {
            int seq = windows.seq();
            for (int r = 0; r < windows.rows(); r += chunk) {
                int n = Math.min(chunk, windows.rows() - r);
                try (Arena call = Arena.ofConfined()) {
                    MemorySegment data = call.allocate(JAVA_INT, (long) n * seq);
                    MemorySegment.copy(windows.tokens(), r * seq, data, JAVA_INT, 0, n * seq);
                    try (Tensor ids = Tensor.fromHost(data, DType.I32, new long[] {n, seq}, Device.CPU)) {
                        MemorySegment out = call.allocate(ADDRESS);
                        Native.check(lowbit_h.lb_embedding(table.address(), ids.address(), DType.BF16.code(),
                                lowbit_h.LB_DEVICE_CPU(), 0, out), "lb_embedding");
                        try (Tensor e = Tensor.adopt(out.get(ADDRESS, 0))) {
                            cache.write(r, e);
                        }
                    }
                }
            }
        }
    }

    /** Cosine from lr down to lr/20 over the block's steps (CosineAnnealingLR, eta_min = lr/20). */
    static double cosine(double lr, long step, long total) {
        double min = lr / 20;
        return min + (lr - min) * (1 + Math.cos(Math.PI * step / Math.max(1, total))) / 2;
    }

    private BlockSummary train(int layer, QatBlock q, ActivationCache qIn, ActivationCache y, Device device,
                               BufferedWriter log, ProgressListener progress, int layers) throws IOException {
        int perEpoch = config.stepsPerEpoch();
        long total = (long) perEpoch * config.epochs();
        // host caches are copied to the GPU for the block's training when both fit; resident ones are there already
        boolean onDevice = !qIn.resident() && device.kind() == Device.Kind.CUDA && 2 * qIn.byteSize() <= DEVICE_CACHE_LIMIT;
        Tensor inputs = onDevice ? qIn.tensor().to(qIn.dtype(), device) : qIn.tensor();
        Tensor targets = onDevice ? y.tensor().to(y.dtype(), device) : y.tensor();
        double[] val = new double[config.epochs()];
        double firstSum = 0, lastSum = 0;
        int firstCount = 0;
        double[] recent = new double[16];
        long seen = 0;
        try {
            progress.start(String.format(Locale.ROOT, "block %d/%d: Block-AP %s, %d steps", layer + 1, layers, config.label(), total), total);
            long step = 0;
            for (int epoch = 0; epoch < config.epochs(); epoch++) {
                for (int b = 0; b < perEpoch; b++, step++) {
                    q.trainStep(inputs, targets, (long) b * config.batch(), config.batch(),
                            cosine(config.lrW(), step, total), cosine(config.lrQ(), step, total));
                    if ((step + 1) % LOSS_CHUNK == 0 || b == perEpoch - 1) {
                        double[] losses = takeLosses(q, layer);
                        for (double l : losses) {
                            seen++;
                            if (firstCount < 16) {
                                firstSum += l;
                                firstCount++;
                            }
                            recent[(int) ((seen - 1) % 16)] = l;
                            log.write(String.format(Locale.ROOT, "{\"phase\":\"block_ap\",\"block\":%d,\"epoch\":%d,\"step\":%d,\"loss\":%.8g}%n",
                                    layer, epoch, seen, l));
                        }
                        progress.advance(step + 1);
                    }
                }
                val[epoch] = validation(q, inputs, targets);
                if (config.valSamples() > 0) {
                    log.write(String.format(Locale.ROOT, "{\"phase\":\"block_ap\",\"block\":%d,\"epoch\":%d,\"val_mse\":%.8g}%n",
                            layer, epoch, val[epoch]));
                }
            }
            log.flush();
            int n = (int) Math.min(16, seen);
            for (int i = 0; i < n; i++) lastSum += recent[i];
            double first = firstSum / Math.max(1, firstCount), last = lastSum / Math.max(1, n);
            progress.finish(String.format(Locale.ROOT, "loss %.3g -> %.3g%s", first, last,
                    config.valSamples() > 0 ? String.format(Locale.ROOT, ", val mse %.3g", val[val.length - 1]) : ""));
            return new BlockSummary(layer, false, first, last, config.valSamples() > 0 ? val : new double[0], 0);
        } finally {
            if (onDevice) {
                inputs.close();
                targets.close();
            }
        }
    }

    private static double[] takeLosses(QatBlock q, int layer) {
        try {
            return q.takeLosses(LOSS_CHUNK);
        } catch (LowbitException e) {
            throw new LowbitException(e.status(), "Block-AP block " + layer + ": " + e.getMessage());
        }
    }

    private double validation(QatBlock q, Tensor inputs, Tensor targets) {
        if (config.valSamples() == 0) return Double.NaN;
        double sum = 0;
        int counted = 0;
        for (int r = 0; r < config.valSamples(); r += config.batch()) {
            int n = Math.min(config.batch(), config.valSamples() - r);
            sum += q.evalLoss(inputs, targets, config.samples() + r, n) * n;
            counted += n;
        }
        return sum / counted;
    }

    /** A QAT block whose fake-quant forward gives exactly the saved block's weights. */
    private QatBlock restore(ModelConfig mc, BlockStateStore store, int layer, BlockWeights original, Device device) {
        Map<String, Tensor> saved = store.load(layer);
        try {
            Map<Projection, Tensor> linears = new EnumMap<>(Projection.class);
            for (Projection p : Projection.values()) {
                linears.put(p, BlockStateStore.dequantize(saved.get(p.name() + ".codes"), saved.get(p.name() + ".scales"),
                        saved.get(p.name() + ".zeros")));
            }
            BlockWeights weights = new BlockWeights(saved.get("input_norm"), saved.get("post_attention_norm"), linears, Map.of());
            QatBlock q = QatBlock.create(mc, weights, config, device);
            for (Projection p : Projection.values()) {
                q.load(p, linears.get(p), saved.get(p.name() + ".scales"), saved.get(p.name() + ".zeros"));
            }
            linears.values().forEach(Tensor::close);
            return q;
        } finally {
            saved.values().forEach(Tensor::close);
        }
    }

    /** The Block-AP validation windows (the rows after the training ones). */
    private TokenWindows heldOut(TokenWindows windows) {
        int rows = config.valSamples(), seq = windows.seq();
        int[] tokens = new int[rows * seq];
        System.arraycopy(windows.tokens(), config.samples() * seq, tokens, 0, rows * seq);
        return new TokenWindows(rows, seq, tokens);
    }

    private Void export(Path model, ModelConfig mc, BlockStateStore store, Path out, E2eQpTrainer e2e) throws IOException {
        GptqConfig gptq = new GptqConfig(config.bits(), config.groupSize() > 0 ? config.groupSize() : GptqConfig.PER_CHANNEL,
                false, GptqFormat.V2);
        try (GptqCheckpointWriter writer = new GptqCheckpointWriter(model, gptq)) {
            for (int layer = 0; layer < mc.numHiddenLayers(); layer++) {
                Map<String, Tensor> saved = store.load(layer);
                try {
                    for (Projection p : Projection.values()) {
                        if (e2e == null) {
                            writer.add(layer, p, saved.get(p.name() + ".codes"), saved.get(p.name() + ".scales"),
                                    saved.get(p.name() + ".zeros"));
                        } else {
                            try (Tensor trained = e2e.scales(layer, p)) {
                                writer.add(layer, p, saved.get(p.name() + ".codes"), trained, saved.get(p.name() + ".zeros"));
                            }
                        }
                    }
                    try (Tensor a = saved.get("input_norm").to(DType.BF16, Device.CPU);
                         Tensor b = saved.get("post_attention_norm").to(DType.BF16, Device.CPU)) {
                        writer.replace(LlamaWeights.inputNorm(layer), a);
                        writer.replace(LlamaWeights.postAttentionNorm(layer), b);
                    }
                } finally {
                    saved.values().forEach(Tensor::close);
                }
            }
            writer.write(out);
        }
        return null;
    }
}
