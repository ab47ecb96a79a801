package dev.lowbit.quant.model;

import dev.lowbit.quant.tensor.CheckpointTensors;
import dev.lowbit.quant.data.TokenWindows;
import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.LlamaWeights;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.TensorSource;
import dev.lowbit.quant.progress.ProgressListener;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A Llama-family causal LM run natively, block by block: token ids are embedded, every decoder layer
 * runs over all hidden states of a pass before the next layer is loaded, and the head turns the last
 * hidden states into logits or per-token negative log-likelihoods. With {@link Residency#STREAMING}
 * only the current block's weights are on the device; with {@link Residency#RESIDENT} all are.
 * All native calls run on the given engine's thread; the methods may be called from any thread.
 */
public final class LlamaModel implements AutoCloseable {
    private final ModelConfig config;
    private final ModelOptions options;
    private final Engine engine;
    private final BlockWeightSource blockWeights;
    private final boolean resident;
    private final List<DecoderBlock> residentBlocks = new ArrayList<>();
    private final AutoCloseable ownedSource;
    private TokenEmbedding embedding;
    private LmHead head;
    private boolean closed;

    private LlamaModel(ModelConfig config, BlockWeightSource blockWeights, Engine engine, ModelOptions options,
                       AutoCloseable ownedSource) {
        this.config = config;
        this.options = options;
        this.engine = engine;
        this.blockWeights = blockWeights;
        this.ownedSource = ownedSource;
        this.resident = switch (options.residency()) {
            case RESIDENT -> true;
            case STREAMING -> false;
            case AUTO -> blockBytes(config, options.computeDType()) < ModelOptions.AUTO_RESIDENT_LIMIT_BYTES;
        };
    }

    /** Opens the checkpoint and config.json in {@code folder}; closing the model closes the checkpoint. */
    public static LlamaModel open(Path folder, Engine engine, ModelOptions options) throws IOException {
        ModelConfig config = ModelConfig.load(folder);
        Checkpoint checkpoint = Checkpoint.open(folder);
        try {
            requireSupportedCheckpoint(config, checkpoint);
            return load(config, checkpoint, BlockWeightSource.of(config, checkpoint), engine, options, checkpoint);
        } catch (RuntimeException | Error e) {
            checkpoint.close();
            throw e;
        }
    }

    /** An unquantized checkpoint; {@code source} must stay open while the model is used. */
    public static LlamaModel load(ModelConfig config, TensorSource source, Engine engine, ModelOptions options) {
        requireSupportedCheckpoint(config, source);
        return load(config, source, BlockWeightSource.of(config, source), engine, options, null);
    }

    private static void requireSupportedCheckpoint(ModelConfig config, TensorSource source) {
        requireSupportedArchitecture(config);
        if (config.isQuantized()) {
            throw new UnsupportedOperationException(source.path() + " is a quantized checkpoint (config.json has "
                    + "quantization_config): load it with a BlockWeightSource whose LinearWeights dequantize its layers");
        }
        config.weights().validateAgainst(source);
    }

    /**
     * Embeddings, final norm and LM head from {@code source}; decoder layers from {@code blocks} (for
     * example {@link BlockWeightSource#of(ModelConfig, TensorSource, LinearWeights)} with dequantized linears).
     */
    public static LlamaModel load(ModelConfig config, TensorSource source, BlockWeightSource blocks, Engine engine,
                                  ModelOptions options) {
        return load(config, source, blocks, engine, options, null);
    }

    /** As {@link #load(ModelConfig, TensorSource, BlockWeightSource, Engine, ModelOptions)}; closing the model closes {@code owned}. */
    public static LlamaModel load(ModelConfig config, TensorSource source, BlockWeightSource blocks, Engine engine,
                                  ModelOptions options, AutoCloseable owned) {
        Objects.requireNonNull(engine, "engine");
        requireSupportedArchitecture(config);
        LlamaModel model = new LlamaModel(config, blocks, engine, options, owned);
        engine.run(() -> {
            try {
                model.loadResidentParts(source);
            } catch (RuntimeException | Error e) {
                model.closeOnEngine(false);
                throw e;
            }
        });
        return model;
    }

    private static void requireSupportedArchitecture(ModelConfig config) {
        if (config.mlpBias()) {
            throw new UnsupportedOperationException("mlp_bias=true is not supported: the native Llama block has no "
                    + "gate/up/down biases");
        }
    }

    private void loadResidentParts(TensorSource source) {
        Device device = options.device();
        embedding = new TokenEmbedding(CheckpointTensors.load(source, LlamaWeights.EMBED_TOKENS, Device.CPU));
        String lmHeadName = config.tieWordEmbeddings() ? LlamaWeights.EMBED_TOKENS : LlamaWeights.LM_HEAD;
        Tensor norm = CheckpointTensors.load(source, LlamaWeights.FINAL_NORM, device);
        Tensor lmHead;
        try (Tensor stored = CheckpointTensors.load(source, lmHeadName, device)) {
            lmHead = stored.to(DType.F32, device);
        } catch (RuntimeException | Error e) {
            norm.close();
            throw e;
        }
        head = new LmHead(norm, lmHead, config.rmsNormEps());
        if (resident) {
            for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
                residentBlocks.add(loadBlock(layer));
            }
        }
    }

    private DecoderBlock loadBlock(int layer) {
        try (BlockWeights weights = blockWeights.load(layer, options.device())) {
            return DecoderBlock.create(config, options.computeDType(), weights, options.device());
        }
    }

    /** Bytes of all decoder layers' weights in {@code dtype}. */
    static long blockBytes(ModelConfig c, DType dtype) {
        long hidden = c.hiddenSize();
        long perLayer = hidden * (c.queryDim() + 2L * c.keyValueDim()) + (long) c.queryDim() * hidden
                + 3L * hidden * c.intermediateSize() + 2 * hidden;
        return perLayer * c.numHiddenLayers() * dtype.byteSize();
    }

    public ModelConfig config() {
        return config;
    }

    public ModelOptions options() {
        return options;
    }

    /** Whether every decoder block stays loaded on the device. */
    public boolean isResident() {
        return resident;
    }

    /** Logits [batch, seq, vocab] of {@code ids} ({@code batch * seq} ids, row-major); position t sees ids 0..t of its row. */
    public Logits logits(int[] ids, int batch, int seq) {
        if (batch <= 0 || seq <= 0 || ids.length != (long) batch * seq) {
            throw new IllegalArgumentException(ids.length + " ids for batch " + batch + " x seq " + seq);
        }
        return engine.call(() -> {
            requireOpen();
            List<Tensor> hidden = runBlocks(ids, seq, List.of(new Rows(0, batch)));
            try (Tensor h = hidden.getFirst(); Tensor logits = head.logits(h)) {
                return new Logits(batch, seq, config.vocabSize(), logits.toFloatArray());
            }
        });
    }

    /**
     * Logits f32 [count, seq, vocab] of windows {@code first..first+count-1} of {@code windows}, as a tensor on the
     * compute device that the caller closes (for callers that reduce them natively, e.g. a distillation teacher).
     */
    public Tensor logitsTensor(TokenWindows windows, int first, int count) {
        java.util.Objects.checkFromIndexSize(first, count, windows.rows());
        return engine.call(() -> {
            requireOpen();
            List<Tensor> hidden = runBlocks(windows.tokens(), windows.seq(), List.of(new Rows(first, count)));
            try (Tensor h = hidden.getFirst()) {
                return head.logits(h);
            }
        });
    }

    /**
     * Per-token negative log-likelihoods of every window: {@code rows * (seq - 1)} values, row-major,
     * value {@code [r, t]} = -log p(token t+1 | tokens 0..t of window r). Windows run {@code batchSize}
     * at a time; {@code listener} counts finished windows.
     */
    public float[] tokenNll(TokenWindows windows, int batchSize, ProgressListener listener) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
        int rows = windows.rows(), seq = windows.seq();
        int passRows = resident ? batchSize : Math.max(batchSize, options.streamingPassTokens() / seq / batchSize * batchSize);
        return engine.call(() -> {
            requireOpen();
            float[] nll = new float[Math.multiplyExact(rows, seq - 1)];
            listener.start("scoring " + rows + " windows of " + seq + " tokens", rows);
            for (int first = 0; first < rows; first += passRows) {
                List<Rows> batches = new ArrayList<>();
                for (int r = first; r < Math.min(rows, first + passRows); r += batchSize) {
                    batches.add(new Rows(r, Math.min(batchSize, rows - r)));
                }
                List<Tensor> hidden = runBlocks(windows.tokens(), seq, batches);
                try {
                    for (int j = 0; j < batches.size(); j++) {
                        Rows b = batches.get(j);
                        try (Tensor ids = TokenEmbedding.ids(windows.tokens(), b.first() * seq, b.count(), seq);
                             Tensor values = head.nll(hidden.get(j), ids)) {
                            float[] part = values.toFloatArray();
                            System.arraycopy(part, 0, nll, b.first() * (seq - 1), part.length);
                        }
                    }
                } finally {
                    hidden.forEach(Tensor::close);
                }
                listener.advance(Math.min(rows, first + passRows));
            }
            listener.finish("");
            return nll;
        });
    }

    /** A batch of consecutive windows: rows first..first+count-1. */
    private record Rows(int first, int count) {}

    /** Hidden states after the last decoder layer, one tensor per batch; the caller closes them. */
    private List<Tensor> runBlocks(int[] ids, int seq, List<Rows> batches) {
        List<Tensor> hidden = new ArrayList<>(batches.size());
        try {
            for (Rows b : batches) {
                try (Tensor idTensor = TokenEmbedding.ids(ids, b.first() * seq, b.count(), seq)) {
                    hidden.add(embedding.lookup(idTensor, options.computeDType(), options.device()));
                }
            }
            for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
                DecoderBlock block = resident ? residentBlocks.get(layer) : loadBlock(layer);
                try {
                    for (int j = 0; j < hidden.size(); j++) {
                        Tensor next = block.forward(hidden.get(j));
                        hidden.set(j, next).close();
                    }
                } finally {
                    if (!resident) block.close();
                }
            }
            return hidden;
        } catch (RuntimeException | Error e) {
            hidden.forEach(Tensor::close);
            throw e;
        }
    }

    private void requireOpen() {
        if (closed) throw new IllegalStateException("model was closed");
    }

    @Override
    public void close() {
        engine.run(() -> closeOnEngine(true));
    }

    private void closeOnEngine(boolean closeSource) {
        if (closed) return;
        closed = true;
        residentBlocks.forEach(DecoderBlock::close);
        residentBlocks.clear();
        if (head != null) head.close();
        if (embedding != null) embedding.close();
        if (ownedSource != null && closeSource) {
            try {
                ownedSource.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the checkpoint failed: " + e.getMessage(), e);
            }
        }
    }
}
