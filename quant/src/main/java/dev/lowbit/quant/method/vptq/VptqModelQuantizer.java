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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * VPTQ over every decoder linear of a model with precomputed Hessians. Layers are independent (the
 * Hessians come from the fp model), so they are spread over the given engines (one per device), each
 * pulling the next linear from a shared counter; results are keyed by linear, so the output does not
 * depend on the schedule.
 */
public final class VptqModelQuantizer {
    public record Result(Path output, List<Path> files, int linears, long weights, double bitsPerWeight, double indexBits,
                         double proxyError, double seconds) {}

    /** An engine and the device its work runs on. */
    public record Worker(Engine engine, Device device) {}

    private final VptqConfig config;

    public VptqModelQuantizer(VptqConfig config) {
        this.config = config;
    }

    public Result quantize(Path model, Path out, Hessians hessians, List<Worker> workers, ProgressListener progress)
            throws IOException {
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
            progress.start("quantizing " + linears + " linears (VPTQ " + config.label() + ") on " + workers.size() + " device(s)", linears);
            AtomicInteger next = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(workers.size());
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (Worker w : workers) {
                    futures.add(pool.submit(() -> {
                        for (int i = next.getAndIncrement(); i < linears; i = next.getAndIncrement()) {
                            int layer = i / projections.length, index = i;
                            Projection p = projections[i % projections.length];
                            w.engine().run(() -> {
                                int in = p.inFeatures(mc);
                                try (Tensor weight = CheckpointTensors.load(checkpoint, p.weightName(layer), w.device());
                                     Tensor h = Tensor.of(hessians.get(layer, p), w.device(), in, in)) {
                                    VptqLayerQuantizer.Result r = VptqLayerQuantizer.quantize(weight, h, config, true);
                                    writer.add(layer, p, r.linear());
                                    storedBits[index] = r.linear().storedBits();
                                    proxy[index] = r.proxyError();
                                }
                            });
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
            List<Path> files = writer.write(out);
            double bits = 0, proxySum = 0;
            for (int i = 0; i < linears; i++) {
                bits += storedBits[i];
                proxySum += proxy[i];
            }
            double indexBits = (double) (VptqConfig.log2(config.codebook()) + (config.resCodebook() > 0 ? VptqConfig.log2(config.resCodebook()) : 0))
                    / config.vectorLen();
            return new Result(out, files, linears, totalWeights, bits / totalWeights, indexBits, proxySum,
                    (System.nanoTime() - start) / 1e9);
        }
    }
}
