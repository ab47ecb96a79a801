package dev.lowbit.quant.method.vptq;

import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.export.VptqCheckpointWriter;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.progress.ProgressListener;
import dev.lowbit.quant.tensor.CheckpointTensors;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * VPTQ over every decoder linear of a model with precomputed Hessians. Layers are independent (the
 * Hessians come from the fp model), so they are spread over the given engines (one per device), each
 * pulling the next linear from a shared counter; results are keyed by linear, so the output does not
 * depend on the schedule. Each finished linear is saved at once in {@code <out>/vptq-parts/}
 * ({@link VptqPartStore}): a stopped run resumed with the same settings quantizes only the rest.
 */
public final class VptqModelQuantizer {
    /**
     * @param resumed linears taken from an earlier run's saved parts
     * @param saved   linears quantized and saved, resumed ones included ({@code linears} unless stopped)
     * @param stopped the run stopped early (stopAfter): parts saved, no checkpoint written ({@code files} empty; the
     *                bits and proxy error cover the saved linears only)
     */
    public record Result(Path output, List<Path> files, int linears, long weights, double bitsPerWeight, double indexBits,
                         double proxyError, double seconds, int resumed, int saved, boolean stopped) {}

    /** The folder of the saved parts inside the output folder. */
    public static final String PARTS_DIR = "vptq-parts";

    /** An engine and the device its work runs on. */
    public record Worker(Engine engine, Device device) {}

    private final VptqConfig config;

    public VptqModelQuantizer(VptqConfig config) {
        this.config = config;
    }

    public Result quantize(Path model, Path out, Hessians hessians, List<Worker> workers, ProgressListener progress)
            throws IOException {
        return quantize(model, out, hessians, workers, false, -1, progress);
    }

    /**
     * @param resume    take the linears an earlier run with the same settings saved in {@code out}, quantize the rest
     * @param stopAfter stop once this many more linears are saved (linears under way finish and are saved too), without
     *                  writing the checkpoint; < 0 runs to the end
     */
    public Result quantize(Path model, Path out, Hessians hessians, List<Worker> workers, boolean resume, int stopAfter,
                           ProgressListener progress) throws IOException {
        if (workers.isEmpty()) throw new IllegalArgumentException("no workers");
        long start = System.nanoTime();
        ModelConfig mc = ModelConfig.load(model);
        if (mc.isQuantized()) throw new IllegalArgumentException(model + " is already quantized; give the full-precision model");
        hessians.requireMatches(mc, model);
        int layers = mc.numHiddenLayers();
        Projection[] projections = Projection.values();
        int linears = layers * projections.length;
        double[] storedBits = new double[linears];
        double[] proxy = new double[linears];
        long totalWeights = 0;
        for (int i = 0; i < linears; i++) {
            Projection p = projections[i % projections.length];
            totalWeights += (long) p.outFeatures(mc) * p.inFeatures(mc);
        }
        try (Checkpoint checkpoint = Checkpoint.open(model); VptqCheckpointWriter writer = new VptqCheckpointWriter(model)) {
            mc.weights().validateAgainst(checkpoint);
            writer.requireOutputFolder(out);
            VptqPartStore store = new VptqPartStore(out.resolve(PARTS_DIR));
            Map<Integer, VptqPartStore.Part> saved = store.prepare(fingerprint(mc), resume, layers);
            saved.forEach((i, part) -> {
                writer.add(i / projections.length, projections[i % projections.length], part.linear());
                storedBits[i] = part.linear().storedBits();
                proxy[i] = part.proxyError();
            });
            progress.start("quantizing " + linears + " linears (VPTQ " + config.label() + ") on " + workers.size() + " device(s)"
                    + (saved.isEmpty() ? "" : ", " + saved.size() + " saved before"), linears);
            AtomicInteger next = new AtomicInteger();
            AtomicInteger done = new AtomicInteger(saved.size());
            AtomicInteger savedNow = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(workers.size());
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (Worker w : workers) {
                    futures.add(pool.submit(() -> {
                        for (int i = next.getAndIncrement(); i < linears; i = next.getAndIncrement()) {
                            if (saved.containsKey(i)) continue;
                            if (stopAfter >= 0 && savedNow.get() >= stopAfter) break;
                            int layer = i / projections.length, index = i;
                            Projection p = projections[i % projections.length];
                            VptqLayerQuantizer.Result r = w.engine().call(() -> {
                                int in = p.inFeatures(mc);
                                try (Tensor weight = CheckpointTensors.load(checkpoint, p.weightName(layer), w.device());
                                     Tensor h = Tensor.of(hessians.get(layer, p), w.device(), in, in)) {
                                    return VptqLayerQuantizer.quantize(weight, h, config, true);
                                }
                            });
                            store.save(layer, p, r.linear(), r.proxyError());
                            writer.add(layer, p, r.linear());
                            storedBits[index] = r.linear().storedBits();
                            proxy[index] = r.proxyError();
                            savedNow.incrementAndGet();
                            synchronized (progress) {
                                progress.advance(done.incrementAndGet());
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) throw re;
                if (e.getCause() instanceof Error err) throw err;
                throw new IOException(e.getCause());
            } finally {
                pool.shutdownNow();
            }
            progress.finish("");
            boolean stopped = done.get() < linears;
            List<Path> files = List.of();
            if (!stopped) {
                files = writer.write(out);
                store.delete();
            }
            double bits = 0, proxySum = 0;
            for (int i = 0; i < linears; i++) {
                bits += storedBits[i];
                proxySum += proxy[i];
            }
            double indexBits = (double) (VptqConfig.log2(config.codebook()) + (config.resCodebook() > 0 ? VptqConfig.log2(config.resCodebook()) : 0))
                    / config.vectorLen();
            return new Result(out, files, linears, totalWeights, bits / totalWeights, indexBits, proxySum,
                    (System.nanoTime() - start) / 1e9, saved.size(), done.get(), stopped);
        }
    }

    /** What a resumed run must share with the saved parts: every setting and the model's shape. */
    private String fingerprint(ModelConfig mc) {
        return config + " | layers " + mc.numHiddenLayers() + ", hidden " + mc.hiddenSize() + ", intermediate "
                + mc.intermediateSize() + ", heads " + mc.numAttentionHeads() + "/" + mc.numKeyValueHeads() + " x " + mc.headDim();
    }
}
