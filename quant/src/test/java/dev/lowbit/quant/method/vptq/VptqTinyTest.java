package dev.lowbit.quant.method.vptq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.quant.TestDevice;
import dev.lowbit.quant.TestFixtures;
import dev.lowbit.quant.data.EvaluationProtocol;
import dev.lowbit.quant.data.TextTokenizer;
import dev.lowbit.quant.data.TokenStream;
import dev.lowbit.quant.data.TokenWindows;
import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.eval.Perplexity;
import dev.lowbit.quant.export.VptqCheckpointReader;
import dev.lowbit.quant.export.VptqLinear;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.LlamaWeights;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.model.LlamaModel;
import dev.lowbit.quant.model.ModelFolders;
import dev.lowbit.quant.model.ModelOptions;
import dev.lowbit.quant.progress.ProgressListener;
import dev.lowbit.quant.tensor.CheckpointTensors;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VPTQ on the tiny fixture: Hessians against a plain reference, save/load, the whole model quantized,
 * written in the vptq layout, read back by the model loader; determinism of the output files; a stopped run resumed
 * to the same files.
 */
class VptqTinyTest {
    private static final int SAMPLES = 6, SEQ = 64;
    private static TokenWindows calibration;
    private static Hessians hessians;

    @BeforeAll
    static void collect() throws Exception {
        try (TextTokenizer tokenizer = TextTokenizer.load(TestFixtures.tiny())) {
            calibration = TokenWindows.sampled(TokenStream.fromFile(tokenizer, TestFixtures.validText(), 50_000), SAMPLES, SEQ, 1);
        }
        try (Engine engine = new Engine()) {
            hessians = HessianCollector.collect(TestFixtures.tiny(), calibration, 4, TestDevice.get(), engine, ProgressListener.NONE);
        }
    }

    /** The q/k/v Hessian of layer 0 is E[n n^T] over tokens of n = RMSNorm(embedding) (computed here in plain Java). */
    @Test
    void firstBlockQkvHessianMatchesReference() throws Exception {
        ModelConfig mc = ModelConfig.load(TestFixtures.tiny());
        int hidden = mc.hiddenSize();
        double[] ref = new double[hidden * hidden];
        try (Checkpoint c = Checkpoint.open(TestFixtures.tiny())) {
            float[] table = c.readFloats(LlamaWeights.EMBED_TOKENS);
            float[] norm = c.readFloats("model.layers.0.input_layernorm.weight");
            for (int t : calibration.tokens()) {
                double[] x = new double[hidden];
                double ms = 0;
                for (int i = 0; i < hidden; i++) {
                    x[i] = table[t * hidden + i];
                    ms += x[i] * x[i];
                }
                double inv = 1.0 / Math.sqrt(ms / hidden + mc.rmsNormEps());
                for (int i = 0; i < hidden; i++) x[i] = x[i] * inv * norm[i];
                for (int i = 0; i < hidden; i++)
                    for (int j = 0; j < hidden; j++) ref[i * hidden + j] += x[i] * x[j];
            }
        }
        float[] h = hessians.get(0, Projection.Q);
        int tokens = calibration.tokens().length;
        double worst = 0, scale = 0;
        for (int i = 0; i < ref.length; i++) {
            scale = Math.max(scale, Math.abs(ref[i] / tokens));
            worst = Math.max(worst, Math.abs(h[i] - ref[i] / tokens));
        }
        assertTrue(worst <= 1e-4 * scale, "max |H - ref| = " + worst + " (scale " + scale + ")");
        assertArrayEquals(h, hessians.get(0, Projection.V));
        assertEquals(mc.intermediateSize(), hessians.size(0, Projection.DOWN));
    }

    @Test
    void hessiansSaveAndLoad(@TempDir Path dir) throws Exception {
        hessians.save(dir);
        Hessians back = Hessians.load(dir);
        assertEquals(hessians.layers(), back.layers());
        for (int l = 0; l < hessians.layers(); l++) {
            for (Projection p : Projection.values()) assertArrayEquals(hessians.get(l, p), back.get(l, p));
        }
        back.requireMatches(ModelConfig.load(TestFixtures.tiny()), dir);
    }

    /** Same seed twice: identical codebooks, indices and permutation. */
    @Test
    void sameSeedGivesIdenticalCodebooksAndIndices() throws Exception {
        VptqConfig config = new VptqConfig(4, 32, 8, 2.0, 16, 2, true, true, 10, 1e-5, 11);
        Device device = TestDevice.get();
        try (Engine engine = new Engine(); Checkpoint c = Checkpoint.open(TestFixtures.tiny())) {
            VptqLinear[] runs = engine.call(() -> {
                int in = Projection.O.inFeatures(ModelConfig.load(TestFixtures.tiny()));
                try (Tensor w = CheckpointTensors.load(c, Projection.O.weightName(3), device);
                     Tensor h = Tensor.of(hessians.get(3, Projection.O), device, in, in)) {
                    return new VptqLinear[] {VptqLayerQuantizer.quantize(w, h, config, true).linear(),
                            VptqLayerQuantizer.quantize(w, h, config, true).linear()};
                }
            });
            assertArrayEquals(runs[0].centroids(), runs[1].centroids());
            assertArrayEquals(runs[0].resCentroids(), runs[1].resCentroids());
            assertArrayEquals(runs[0].outlierCentroids(), runs[1].outlierCentroids());
            assertArrayEquals(runs[0].indices(), runs[1].indices());
            assertArrayEquals(runs[0].resIndices(), runs[1].resIndices());
            assertArrayEquals(runs[0].outlierIndices(), runs[1].outlierIndices());
            assertArrayEquals(runs[0].perm(), runs[1].perm());
        }
    }

    /** The second-order loop beats plain nearest centroid on the Hessian-weighted error of a real layer. */
    @Test
    void secondOrderBeatsPlainNearestCentroid() throws Exception {
        VptqConfig config = new VptqConfig(4, 16, 0, 0, 0, 1, true, true, 20, 1e-5, 0);
        Device device = TestDevice.get();
        try (Engine engine = new Engine(); Checkpoint c = Checkpoint.open(TestFixtures.tiny())) {
            double[] errors = engine.call(() -> {
                int in = Projection.DOWN.inFeatures(ModelConfig.load(TestFixtures.tiny()));
                try (Tensor w = CheckpointTensors.load(c, Projection.DOWN.weightName(1), device);
                     Tensor h = Tensor.of(hessians.get(1, Projection.DOWN), device, in, in)) {
                    VptqConfig tuned = new VptqConfig(4, 16, 0, 0, 0, 1, true, true, 20, 1e-5, 0, 30);
                    return new double[] {VptqLayerQuantizer.quantize(w, h, config, true).proxyError(),
                            VptqLayerQuantizer.quantize(w, h, config, false).proxyError(),
                            VptqLayerQuantizer.quantize(w, h, tuned, true).proxyError()};
                }
            });
            assertTrue(errors[0] < 0.9 * errors[1], "second order " + errors[0] + " vs plain " + errors[1]);
            System.out.printf("tiny layer 1 down_proj proxy error: second order %.4g, plain %.4g, fine-tuned %.4g%n", errors[0], errors[1], errors[2]);
            assertTrue(errors[2] <= errors[0], "fine-tuned " + errors[2] + " vs " + errors[0]);
        }
    }

    @Test
    void wholeModelRoundTripsThroughTheVptqLayout(@TempDir Path dir) throws Exception {
        VptqConfig config = new VptqConfig(4, 16, 4, 2.0, 16, 2, true, true, 4, 1e-5, 7);
        Path a = dir.resolve("a");
        Device device = TestDevice.get();
        try (Engine engine = new Engine()) {
            List<VptqModelQuantizer.Worker> workers = List.of(new VptqModelQuantizer.Worker(engine, device));
            VptqModelQuantizer.Result r = new VptqModelQuantizer(config).quantize(TestFixtures.tiny(), a, hessians, workers,
                    ProgressListener.NONE);
            assertEquals(28, r.linears());
            assertEquals((4 + 2) / 4.0, r.indexBits(), 1e-12);
            assertTrue(r.bitsPerWeight() > r.indexBits(), "total bits " + r.bitsPerWeight());

            // The stored linear dequantizes to what the quantizer computed natively.
            ModelConfig mc = ModelConfig.load(TestFixtures.tiny());
            try (VptqCheckpointReader reader = VptqCheckpointReader.open(a)) {
                VptqLinear q = reader.linear(Projection.GATE.modulePath(2));
                assertEquals(2, q.groups());
                assertTrue(q.outliers() > 0);
                assertEquals(mc.intermediateSize() * mc.hiddenSize(), q.dequantize().length);
            }

            try (TextTokenizer tokenizer = TextTokenizer.load(TestFixtures.tiny())) {
                TokenWindows valid = EvaluationProtocol.windows(tokenizer, TestFixtures.validText(), 8 * 128, 128);
                double fp, quantized;
                try (LlamaModel model = ModelFolders.open(TestFixtures.tiny(), engine, ModelOptions.defaults().withDevice(device))) {
                    fp = Perplexity.evaluate(model, valid, 4, ProgressListener.NONE).perplexity();
                }
                try (LlamaModel model = ModelFolders.open(a, engine, ModelOptions.defaults().withDevice(device))) {
                    quantized = Perplexity.evaluate(model, valid, 4, ProgressListener.NONE).perplexity();
                }
                System.out.printf("tiny VPTQ %s: %.3f bits/weight, perplexity %.3f (fp %.3f)%n", config.label(), r.bitsPerWeight(),
                        quantized, fp);
                // 1.5 index bits per weight with 4 k-means iterations: several times fp, but far from garbage (thousands)
                assertTrue(Double.isFinite(quantized) && quantized > fp && quantized < 10 * fp, "perplexity " + quantized + " vs fp " + fp);
            }
        }
    }

    /**
     * A run stopped after 10 of 28 linears keeps them in vptq-parts/; resumed, it quantizes the other 18 and writes
     * the same files, byte for byte, as a run never stopped. A rerun without resume, different settings, a damaged part, or
     * the model's own folder as the output are refused by name.
     */
    @Test
    void stoppedRunResumesToTheSameCheckpoint(@TempDir Path dir) throws Exception {
        VptqConfig config = new VptqConfig(4, 16, 4, 2.0, 16, 2, true, true, 4, 1e-5, 7);
        Path full = dir.resolve("full"), part = dir.resolve("part");
        try (Engine engine = new Engine()) {
            List<VptqModelQuantizer.Worker> workers = List.of(new VptqModelQuantizer.Worker(engine, TestDevice.get()));
            VptqModelQuantizer quantizer = new VptqModelQuantizer(config);
            quantizer.quantize(TestFixtures.tiny(), full, hessians, workers, ProgressListener.NONE);
            assertFalse(Files.exists(full.resolve(VptqModelQuantizer.PARTS_DIR)), "parts removed after the checkpoint is written");

            VptqModelQuantizer.Result stopped = quantizer.quantize(TestFixtures.tiny(), part, hessians, workers, false, 10,
                    ProgressListener.NONE);
            assertTrue(stopped.stopped());
            assertEquals(10, stopped.saved());
            assertTrue(stopped.files().isEmpty());
            assertFalse(Files.exists(part.resolve("config.json")), "no checkpoint from a stopped run");

            var notResumed = assertThrows(IllegalArgumentException.class, () -> quantizer.quantize(TestFixtures.tiny(), part,
                    hessians, workers, false, -1, ProgressListener.NONE));
            assertTrue(notResumed.getMessage().contains("holds 10 linears") && notResumed.getMessage().contains("--resume"),
                    notResumed.getMessage());
            var sameFolder = assertThrows(IllegalArgumentException.class, () -> quantizer.quantize(TestFixtures.tiny(),
                    TestFixtures.tiny(), hessians, workers, false, -1, ProgressListener.NONE));
            assertTrue(sameFolder.getMessage().contains("is the source model folder"), sameFolder.getMessage());
            assertFalse(Files.exists(TestFixtures.tiny().resolve(VptqModelQuantizer.PARTS_DIR)));

            VptqConfig other = new VptqConfig(4, 32, 4, 2.0, 16, 2, true, true, 4, 1e-5, 7);
            var mismatch = assertThrows(IllegalArgumentException.class, () -> new VptqModelQuantizer(other)
                    .quantize(TestFixtures.tiny(), part, hessians, workers, true, -1, ProgressListener.NONE));
            assertTrue(mismatch.getMessage().contains("different settings"), mismatch.getMessage());

            Path damaged = part.resolve(VptqModelQuantizer.PARTS_DIR).resolve("layer-001.q.bin");
            byte[] bytes = Files.readAllBytes(damaged);
            Path kept = dir.resolve("kept.bin");
            Files.write(kept, bytes);
            Files.write(damaged, java.util.Arrays.copyOf(bytes, bytes.length / 2));
            var truncated = assertThrows(IOException.class, () -> quantizer.quantize(TestFixtures.tiny(), part, hessians, workers, true,
                    -1, ProgressListener.NONE));
            assertTrue(truncated.getMessage().contains("layer-001.q.bin") && truncated.getMessage().contains("truncated"),
                    truncated.getMessage());
            Files.copy(kept, damaged, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

            VptqModelQuantizer.Result resumed = quantizer.quantize(TestFixtures.tiny(), part, hessians, workers, true, -1,
                    ProgressListener.NONE);
            assertFalse(resumed.stopped());
            assertEquals(10, resumed.resumed());
            assertEquals(28, resumed.saved());
            for (String name : new String[] {"model.safetensors", "config.json"}) {
                assertArrayEquals(Files.readAllBytes(full.resolve(name)), Files.readAllBytes(part.resolve(name)), name);
            }
            assertFalse(Files.exists(part.resolve(VptqModelQuantizer.PARTS_DIR)));
        }
    }
}
