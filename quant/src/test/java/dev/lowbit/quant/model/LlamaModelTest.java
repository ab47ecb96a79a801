package dev.lowbit.quant.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowbit.quant.TestDevice;
import dev.lowbit.quant.TestFixtures;
import dev.lowbit.quant.data.TokenWindows;
import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.progress.ProgressListener;
import dev.lowbit.quant.tensor.DType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The native forward of the fixture models against the numbers Hugging Face transformers gives (fp32 compute). */
class LlamaModelTest {
    private static Engine engine;

    @BeforeAll
    static void startEngine() {
        engine = new Engine();
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    private static ModelOptions fp32() {
        return ModelOptions.defaults().withDevice(TestDevice.get());
    }

    private static int[] promptIds() {
        JsonNode ids = TestFixtures.reference().get("prompt_ids");
        int[] out = new int[ids.size()];
        for (int i = 0; i < out.length; i++) out[i] = ids.get(i).asInt();
        return out;
    }

    @Test
    void tinyPromptLogitsMatchTransformers() throws Exception {
        assertPromptMatches(TestFixtures.tiny(), "tiny");
    }

    @Test
    void smallPromptLogitsMatchTransformers() throws Exception {
        Path small = TestFixtures.small().orElse(null);
        Assumptions.assumeTrue(small != null, "shared fixture model 'small' not present");
        assertPromptMatches(small, "small");
    }

    private static void assertPromptMatches(Path folder, String name) throws Exception {
        JsonNode expected = TestFixtures.reference().get(name);
        int[] ids = promptIds();
        try (LlamaModel model = LlamaModel.open(folder, engine, fp32())) {
            assertTrue(model.isResident(), "a small model stays resident by default");
            Logits logits = model.logits(ids, 1, ids.length);
            assertEquals(model.config().vocabSize(), logits.vocab());
            for (int t = 0; t < ids.length; t++) {
                assertEquals(expected.get("prompt_argmax_per_pos").get(t).asInt(), logits.argmax(0, t), "argmax at " + t);
                double norm = 0;
                for (float v : logits.at(0, t)) norm += (double) v * v;
                assertRelative(expected.get("prompt_logits_l2_per_pos").get(t).asDouble(), Math.sqrt(norm), 1e-3,
                        "logit L2 norm at " + t);
            }
            JsonNode first8 = expected.get("prompt_logits_first8_of_last_pos");
            for (int v = 0; v < 8; v++) {
                assertRelative(first8.get(v).asDouble(), logits.get(0, ids.length - 1, v), 1e-3, "last position logit " + v);
            }
        }
    }

    private static void assertRelative(double expected, double actual, double tolerance, String what) {
        assertTrue(Math.abs(actual - expected) <= tolerance * Math.abs(expected),
                what + ": expected " + expected + ", got " + actual + " (relative error "
                        + Math.abs(actual - expected) / Math.abs(expected) + ")");
    }

    @Test
    void streamingGivesTheSameNllAsResidentAndMatchesTheLogits() throws Exception {
        TokenWindows windows = randomWindows(5, 33, 8192, 17);
        float[] resident;
        float[] streaming;
        Logits logits;
        try (Checkpoint ckpt = Checkpoint.open(TestFixtures.tiny())) {
            ModelConfig config = ModelConfig.load(TestFixtures.tiny());
            try (LlamaModel model = LlamaModel.load(config, ckpt, engine, fp32().withResidency(Residency.RESIDENT))) {
                resident = model.tokenNll(windows, 2, ProgressListener.NONE);
                logits = model.logits(windows.tokens(), windows.rows(), windows.seq());
            }
            // Passes of 2 windows in batches of 1: blocks are loaded and freed 3 times.
            ModelOptions streamingOptions = fp32().withResidency(Residency.STREAMING).withStreamingPassTokens(2 * 33);
            try (LlamaModel model = LlamaModel.load(config, ckpt, engine, streamingOptions)) {
                assertFalse(model.isResident());
                streaming = model.tokenNll(windows, 1, ProgressListener.NONE);
            }
        }
        assertEquals(5 * 32, resident.length);
        for (int i = 0; i < resident.length; i++) {
            assertEquals(resident[i], streaming[i], 1e-4, "nll " + i);
        }
        // nll[r, t] = logsumexp(logits[r, t]) - logits[r, t, next]
        for (int r = 0; r < windows.rows(); r++) {
            for (int t = 0; t < windows.seq() - 1; t++) {
                float[] row = logits.at(r, t);
                double max = Double.NEGATIVE_INFINITY;
                for (float v : row) max = Math.max(max, v);
                double sum = 0;
                for (float v : row) sum += Math.exp(v - max);
                double expected = max + Math.log(sum) - row[windows.get(r, t + 1)];
                assertEquals(expected, resident[r * 32 + t], 1e-4, "nll at " + r + ", " + t);
            }
        }
    }

    @Test
    void batchRowsAreIndependent() throws Exception {
        TokenWindows windows = randomWindows(3, 9, 8192, 5);
        try (LlamaModel model = LlamaModel.open(TestFixtures.tiny(), engine, fp32())) {
            Logits batched = model.logits(windows.tokens(), 3, 9);
            Logits alone = model.logits(windows.row(1), 1, 9);
            for (int t = 0; t < 9; t++) {
                assertArrayEquals(alone.at(0, t), batched.at(1, t), 1e-4f, "position " + t);
            }
        }
    }

    @Test
    void linearWeightsCanBeSuppliedByAnotherSource() throws Exception {
        int[] ids = promptIds();
        ModelConfig config = ModelConfig.load(TestFixtures.tiny());
        try (Checkpoint ckpt = Checkpoint.open(TestFixtures.tiny())) {
            CheckpointLinears stored = new CheckpointLinears(ckpt);
            List<String> asked = new ArrayList<>();
            LinearWeights counting = (layer, p, device) -> {
                asked.add(layer + ":" + p);
                return stored.weight(layer, p, device);
            };
            Logits expected;
            try (LlamaModel model = LlamaModel.load(config, ckpt, engine, fp32())) {
                expected = model.logits(ids, 1, ids.length);
            }
            try (LlamaModel model = LlamaModel.load(config, ckpt, BlockWeightSource.of(config, ckpt, counting), engine, fp32())) {
                assertArrayEquals(expected.values(), model.logits(ids, 1, ids.length).values());
            }
            assertEquals(config.numHiddenLayers() * Projection.values().length, asked.size());
            assertTrue(asked.contains("3:DOWN"));
        }
    }

    @Test
    void bf16ComputeStaysCloseToFp32() throws Exception {
        int[] ids = promptIds();
        Logits fp32;
        Logits bf16;
        try (LlamaModel model = LlamaModel.open(TestFixtures.tiny(), engine, fp32())) {
            fp32 = model.logits(ids, 1, ids.length);
        }
        try (LlamaModel model = LlamaModel.open(TestFixtures.tiny(), engine, fp32().withComputeDType(DType.BF16))) {
            bf16 = model.logits(ids, 1, ids.length);
        }
        double diff = 0;
        double ref = 0;
        for (int i = 0; i < fp32.values().length; i++) {
            diff += Math.pow(bf16.values()[i] - fp32.values()[i], 2);
            ref += Math.pow(fp32.values()[i], 2);
        }
        assertTrue(Math.sqrt(diff / ref) < 0.05, "relative L2 difference of bf16 logits " + Math.sqrt(diff / ref));
    }

    @Test
    void progressCountsWindows() throws Exception {
        TokenWindows windows = randomWindows(5, 8, 8192, 3);
        List<Long> seen = new ArrayList<>();
        AtomicInteger finished = new AtomicInteger();
        ProgressListener listener = new ProgressListener() {
            @Override
            public void start(String task, long total) {
                assertEquals(5, total);
            }

            @Override
            public void advance(long done) {
                seen.add(done);
            }

            @Override
            public void finish(String summary) {
                finished.incrementAndGet();
            }
        };
        try (LlamaModel model = LlamaModel.open(TestFixtures.tiny(), engine, fp32())) {
            model.tokenNll(windows, 2, listener);
        }
        assertEquals(List.of(2L, 4L, 5L), seen);
        assertEquals(1, finished.get());
    }

    @Test
    void badArgumentsAreRejected() throws Exception {
        try (LlamaModel model = LlamaModel.open(TestFixtures.tiny(), engine, fp32())) {
            assertThrows(IllegalArgumentException.class, () -> model.logits(new int[5], 2, 3));
            assertThrows(IllegalArgumentException.class, () -> model.tokenNll(randomWindows(1, 4, 10, 1), 0, ProgressListener.NONE));
            var error = assertThrows(dev.lowbit.quant.LowbitException.class, () -> model.logits(new int[] {1, 9000}, 1, 2));
            assertTrue(error.getMessage().contains("ids[0, 1]=9000 is out of range (expected 0 <= id < 8192"), error.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ModelOptions.defaults().withComputeDType(DType.I32));
    }

    @Test
    void unsupportedCheckpointsAreRejectedWithTheReason() throws Exception {
        Path tiny = TestFixtures.tiny();
        String json = java.nio.file.Files.readString(tiny.resolve("config.json"));
        ModelConfig mlpBias = ModelConfig.parse(tiny, json.replace("\"mlp_bias\": false", "\"mlp_bias\": true").getBytes());
        ModelConfig quantized = ModelConfig.parse(tiny, json.replaceFirst("\\{",
                "{\"quantization_config\": {\"quant_method\": \"gptq\", \"bits\": 4, \"group_size\": 128},").getBytes());
        try (Checkpoint ckpt = Checkpoint.open(tiny)) {
            var biasError = assertThrows(UnsupportedOperationException.class, () -> LlamaModel.load(mlpBias, ckpt, engine, fp32()));
            assertTrue(biasError.getMessage().contains("mlp_bias=true is not supported"), biasError.getMessage());
            var quantError = assertThrows(UnsupportedOperationException.class, () -> LlamaModel.load(quantized, ckpt, engine, fp32()));
            assertTrue(quantError.getMessage().contains("quantized checkpoint"), quantError.getMessage());
        }
    }

    private static TokenWindows randomWindows(int rows, int seq, int vocab, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] tokens = new int[rows * seq];
        for (int i = 0; i < tokens.length; i++) tokens[i] = random.nextInt(vocab);
        return new TokenWindows(rows, seq, tokens);
    }
}
