package dev.lowbit.quant.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowbit.quant.LowbitException;
import dev.lowbit.quant.TestDevice;
import dev.lowbit.quant.TestFixtures;
import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.data.TextTokenizer;
import dev.lowbit.quant.data.TokenStream;
import dev.lowbit.quant.data.TokenWindows;
import dev.lowbit.quant.export.GptqCheckpointReader;
import dev.lowbit.quant.export.GptqFormat;
import dev.lowbit.quant.export.VptqCheckpointReader;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.method.rtn.RtnConfig;
import dev.lowbit.quant.method.rtn.RtnModelQuantizer;
import dev.lowbit.quant.method.vptq.HessianCollector;
import dev.lowbit.quant.method.vptq.Hessians;
import dev.lowbit.quant.method.vptq.VptqConfig;
import dev.lowbit.quant.method.vptq.VptqModelQuantizer;
import dev.lowbit.quant.model.BlockWeightSource;
import dev.lowbit.quant.model.LlamaModel;
import dev.lowbit.quant.model.Logits;
import dev.lowbit.quant.model.ModelOptions;
import dev.lowbit.quant.progress.ProgressListener;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole-model decoder against the block-by-block forward (lb_llama_block + lb_llama_head) and the
 * transformers reference numbers on the tiny model; KV-cache decoding against full recomputation;
 * sampling; packed int4 and VPTQ checkpoints against the dequantized-dense forward; bad input.
 */
class GeneratorTest {
    private static Engine engine;
    private static Generator tiny;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void open() throws Exception {
        engine = new Engine();
        tiny = Generator.open(TestFixtures.tiny(), options());
    }

    @AfterAll
    static void close() {
        tiny.close();
        engine.close();
    }

    private static GeneratorOptions options() {
        Device d = TestDevice.get();
        // f32 on every device here: the comparisons below are to the f32 forward
        return GeneratorOptions.defaults(d).withComputeDType(DType.F32).withMaxSeq(64);
    }

    private static int[] promptIds() {
        JsonNode ids = TestFixtures.reference().get("prompt_ids");
        int[] out = new int[ids.size()];
        for (int i = 0; i < out.length; i++) out[i] = ids.get(i).asInt();
        return out;
    }

    private static Logits blockForward(Path folder, int[] ids) throws Exception {
        try (LlamaModel model = LlamaModel.open(folder, engine, ModelOptions.defaults().withDevice(TestDevice.get()))) {
            return model.logits(ids, 1, ids.length);
        }
    }

    /** Runs ids through a fresh decoder: prefill of the first `prefill`, then one decode step per id; logits of each step. */
    private static List<float[]> incremental(Generator g, int[] ids, int prefill) {
        return g.engineCall(d -> {
            List<float[]> out = new ArrayList<>();
            d.reset();
            out.add(d.prefill(java.util.Arrays.copyOf(ids, prefill)));
            for (int t = prefill; t < ids.length; t++) out.add(d.decode(ids[t]));
            return out;
        });
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @Test
    void prefillLogitsEqualTheBlockForwardAndTransformers() throws Exception {
        int[] ids = promptIds();
        Logits expected = blockForward(TestFixtures.tiny(), ids);
        JsonNode ref = TestFixtures.reference().get("tiny");
        for (int n = 1; n <= ids.length; n++) {
            float[] logits = incremental(tiny, java.util.Arrays.copyOf(ids, n), n).getFirst();
            assertEquals(8192, logits.length);
            assertTrue(maxAbsDiff(expected.at(0, n - 1), logits) < 2e-3, "prefill of " + n + " tokens: max |diff| "
                    + maxAbsDiff(expected.at(0, n - 1), logits));
            assertEquals(ref.get("prompt_argmax_per_pos").get(n - 1).asInt(), argmax(logits), "argmax after " + n + " tokens");
            double norm = 0;
            for (float v : logits) norm += (double) v * v;
            double l2 = ref.get("prompt_logits_l2_per_pos").get(n - 1).asDouble();
            assertEquals(l2, Math.sqrt(norm), 1e-3 * l2, "logit L2 norm after " + n + " tokens");
        }
    }

    @Test
    void kvCacheDecodingEqualsFullRecomputation() throws Exception {
        int[] ids = promptIds();
        Logits expected = blockForward(TestFixtures.tiny(), ids);
        for (int prefill : new int[] {1, 5}) {
            List<float[]> steps = incremental(tiny, ids, prefill);
            assertEquals(ids.length - prefill + 1, steps.size());
            for (int s = 0; s < steps.size(); s++) {
                int position = prefill - 1 + s;
                double diff = maxAbsDiff(expected.at(0, position), steps.get(s));
                assertTrue(diff < 2e-3, "prefill " + prefill + ", position " + position + ": max |diff| " + diff);
            }
        }
        // a second prompt after reset does not see the first one
        List<float[]> again = incremental(tiny, ids, 3);
        assertArrayEquals(incremental(tiny, ids, 3).get(4), again.get(4));
    }

    @Test
    void greedyIsDeterministicAndSamplingIsReproducibleWithASeed() {
        int[] ids = promptIds();
        GenerationResult a = tiny.generate(ids, new GenerationConfig(12, 0, 1, 0, false), GenerationListener.NONE);
        GenerationResult b = tiny.generate(ids, new GenerationConfig(12, 0, 1, 99, false), GenerationListener.NONE);
        assertArrayEquals(a.newIds(), b.newIds());
        assertEquals(12, a.newIds().length);
        assertEquals(11, a.decodeSteps());
        assertEquals(GenerationResult.StopReason.MAX_TOKENS, a.stopReason());
        // greedy follows the argmax of the logits
        List<float[]> steps = incremental(tiny, concat(ids, a.newIds()), ids.length);
        for (int i = 0; i < a.newIds().length; i++) assertEquals(argmax(steps.get(i)), a.newIds()[i], "greedy token " + i);

        GenerationConfig sampled = new GenerationConfig(16, 1.0, 0.95, 1234, false);
        GenerationResult s1 = tiny.generate(ids, sampled, GenerationListener.NONE);
        GenerationResult s2 = tiny.generate(ids, sampled, GenerationListener.NONE);
        assertArrayEquals(s1.newIds(), s2.newIds());
        GenerationResult other = tiny.generate(ids, new GenerationConfig(16, 1.0, 0.95, 4321, false), GenerationListener.NONE);
        assertNotEquals(java.util.Arrays.toString(s1.newIds()), java.util.Arrays.toString(other.newIds()),
                "another seed gives another sample");
        // a tiny top-p keeps only the most likely token: greedy
        GenerationResult narrow = tiny.generate(ids, new GenerationConfig(12, 1.0, 1e-6, 7, false), GenerationListener.NONE);
        assertArrayEquals(a.newIds(), narrow.newIds());
    }

    @Test
    void textStreamsThroughTheListenerAndStopsAtEos() {
        StringBuilder streamed = new StringBuilder();
        GenerationResult r = tiny.generate("Once upon a time", new GenerationConfig(20, 0, 1, 0, true), streamed::append);
        assertEquals(r.text(), streamed.toString());
        assertTrue(r.newIds().length <= 20);
        assertTrue(r.prefillSeconds() > 0);
        if (r.stopReason() == GenerationResult.StopReason.EOS) assertTrue(r.newIds().length < 20);
        for (int id : r.newIds()) assertTrue(!tiny.config().eosTokenIds().contains(id), "EOS is not part of the text");
    }

    @Test
    void streamedPiecesAddUpToTheTextOverLongSampledRuns() {
        // the listener gets each piece once, decoded from a window of recent tokens; sampling at a high temperature
        // reaches odd tokens (byte pieces, spaces, punctuation) that the window must join like the full decode
        for (long seed : new long[] {1, 2, 3}) {
            StringBuilder streamed = new StringBuilder();
            GenerationResult r = tiny.generate("Once upon a time", new GenerationConfig(56, 1.6, 1.0, seed, false),
                    streamed::append);
            assertEquals(56, r.newIds().length);
            assertEquals(r.text(), streamed.toString(), "seed " + seed);
        }
    }

    @Test
    void rtnInt4CheckpointMatchesTheDequantizedForward() throws Exception {
        Path out = tmp.resolve("tiny-rtn-w4g64");
        new RtnModelQuantizer(RtnConfig.asymmetric(4, 64), RtnModelQuantizer.Format.GPTQ, GptqFormat.V2)
                .quantize(TestFixtures.tiny(), out, Device.CPU, engine, ProgressListener.NONE);
        int[] ids = promptIds();
        Logits expected;
        ModelConfig config = ModelConfig.load(out);
        try (GptqCheckpointReader reader = GptqCheckpointReader.open(out);
             LlamaModel model = LlamaModel.load(config, reader.checkpoint(),
                     BlockWeightSource.of(config, reader.checkpoint(), reader::dequantize), engine,
                     ModelOptions.defaults().withDevice(TestDevice.get()))) {
            expected = model.logits(ids, 1, ids.length);
        }
        try (Generator packed = Generator.open(out, options())) {
            NativeDecoder.Stats stats = packed.stats();
            assertEquals(4 * 7, stats.packedLinears() + stats.dequantizedLinears());
            if (TestDevice.get().equals(Device.CPU)) {
                assertEquals(4 * 7, stats.packedLinears(), "CPU runs the packed kernels");
                assertEquals(0, stats.fusedLevel(), "the fused decode kernels are CUDA's");
            }
            assertTrue(packed.weightsDescription().contains("int4"), packed.weightsDescription());
            List<float[]> steps = incremental(packed, ids, 4);
            int sameArgmax = 0;
            for (int s = 0; s < steps.size(); s++) {
                int position = 3 + s;
                float[] want = expected.at(0, position);
                double diff = maxAbsDiff(want, steps.get(s));
                assertTrue(diff < 2e-2, "position " + position + ": max |diff| " + diff);
                if (argmax(want) == argmax(steps.get(s))) sameArgmax++;
            }
            assertTrue(sameArgmax >= steps.size() - 1, sameArgmax + " of " + steps.size() + " argmax equal");
        }
    }

    /**
     * A VPTQ checkpoint (residual and outlier codebooks, two groups, norm) runs dequantized at load into the model's
     * dtype (bf16 here): its steps against the block forward of the same weights, dequantized and rounded to bf16.
     */
    @Test
    void vptqCheckpointMatchesTheDequantizedForward() throws Exception {
        Path out = tmp.resolve("tiny-vptq");
        TokenWindows calibration;
        try (TextTokenizer tokenizer = TextTokenizer.load(TestFixtures.tiny())) {
            calibration = TokenWindows.sampled(TokenStream.fromFile(tokenizer, TestFixtures.validText(), 50_000), 4, 64, 1);
        }
        Device device = TestDevice.get();
        Hessians hessians = HessianCollector.collect(TestFixtures.tiny(), calibration, 4, device, engine, ProgressListener.NONE);
        VptqConfig vptq = new VptqConfig(4, 16, 4, 2.0, 16, 2, true, true, 4, 1e-5, 7);
        new VptqModelQuantizer(vptq).quantize(TestFixtures.tiny(), out, hessians,
                List.of(new VptqModelQuantizer.Worker(engine, device)), ProgressListener.NONE);
        int[] ids = promptIds();
        Logits expected;
        ModelConfig config = ModelConfig.load(out);
        try (VptqCheckpointReader reader = VptqCheckpointReader.open(out);
             LlamaModel model = LlamaModel.load(config, reader.checkpoint(),
                     BlockWeightSource.of(config, reader.checkpoint(), (layer, p, d) -> {
                         try (Tensor f32 = reader.dequantize(layer, p, d)) {
                             return f32.to(DType.BF16, d);
                         }
                     }), engine, ModelOptions.defaults().withDevice(device))) {
            expected = model.logits(ids, 1, ids.length);
        }
        try (Generator g = Generator.open(out, options())) {
            assertEquals("vptq, dequantized to BF16 at load", g.weightsDescription());
            assertEquals(0, g.stats().packedLinears());
            List<float[]> steps = incremental(g, ids, 4);
            for (int s = 0; s < steps.size(); s++) {
                int position = 3 + s;
                double diff = maxAbsDiff(expected.at(0, position), steps.get(s));
                assertTrue(diff < 2e-2, "position " + position + ": max |diff| " + diff);
            }
            GenerationResult text = g.generate("Once upon a time", GenerationConfig.greedy(8), GenerationListener.NONE);
            assertTrue(text.newIds().length > 0 && text.newIds().length <= 8, "new tokens: " + text.newIds().length);
        }

        // a layer config with an impossible codebook size: refused with the file and the module named
        Path bad = tmp.resolve("tiny-vptq-bad-k");
        java.nio.file.Files.createDirectories(bad);
        try (var files = java.nio.file.Files.list(out)) {
            for (Path f : (Iterable<Path>) files::iterator) java.nio.file.Files.copy(f, bad.resolve(f.getFileName()));
        }
        Path configFile = bad.resolve(ModelConfig.FILE_NAME);
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(configFile.toFile());
        var layerConfig = root.path("quantization_config").path("config_for_layers").elements().next();
        ((com.fasterxml.jackson.databind.node.ArrayNode) layerConfig.path("num_centroids")).set(1, 24);
        mapper.writeValue(configFile.toFile(), root);
        var error = assertThrows(dev.lowbit.quant.io.ModelFormatException.class, () -> Generator.open(bad, options()).close());
        assertTrue(error.getMessage().contains("config.json") && error.getMessage().contains("codebook size 24 is not a power of two"),
                error.getMessage());
    }

    @Test
    void cudaGraphDecodeEqualsEagerDecode() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(TestDevice.get().kind() == Device.Kind.CUDA, "needs -Dlowbit.test.device=cuda");
        int[] ids = promptIds();
        try (Generator eager = Generator.open(TestFixtures.tiny(), options().withCudaGraph(false))) {
            List<float[]> graphSteps = incremental(tiny, ids, 3);
            List<float[]> eagerSteps = incremental(eager, ids, 3);
            assertTrue(tiny.stats().cudaGraphActive(), "the decode step was captured");
            for (int s = 0; s < graphSteps.size(); s++) {
                double diff = maxAbsDiff(eagerSteps.get(s), graphSteps.get(s));
                assertTrue(diff < 1e-3, "step " + s + ": graph vs eager max |diff| " + diff);
            }
            // f16 compute on CUDA stays close to f32
            try (Generator half = Generator.open(TestFixtures.tiny(), options().withComputeDType(DType.F16))) {
                List<float[]> halfSteps = incremental(half, ids, 3);
                int same = 0;
                for (int s = 0; s < halfSteps.size(); s++) if (argmax(halfSteps.get(s)) == argmax(eagerSteps.get(s))) same++;
                assertTrue(same >= halfSteps.size() - 2, same + " of " + halfSteps.size() + " f16 argmax equal to f32");
            }
        }
    }

    @Test
    void badInputGetsClearErrors() {
        var empty = assertThrows(IllegalArgumentException.class,
                () -> tiny.generate("", GenerationConfig.greedy(4), GenerationListener.NONE));
        assertTrue(empty.getMessage().contains("prompt is empty"), empty.getMessage());
        var range = assertThrows(IllegalArgumentException.class,
                () -> tiny.generate(new int[] {1, 9000}, GenerationConfig.greedy(4), GenerationListener.NONE));
        assertTrue(range.getMessage().contains("out of range"), range.getMessage());
        var tooLong = assertThrows(IllegalArgumentException.class,
                () -> tiny.generate(new int[] {1, 2, 3}, GenerationConfig.greedy(62), GenerationListener.NONE));
        assertTrue(tooLong.getMessage().contains("maximum sequence length 64"), tooLong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GenerationConfig(4, 1.0, 0, 0, true));
        assertThrows(IllegalArgumentException.class, () -> new GenerationConfig(4, -1, 1, 0, true));
        assertThrows(IllegalArgumentException.class, () -> new GenerationConfig(0, 0, 1, 0, true));
        assertThrows(IllegalArgumentException.class, () -> GeneratorOptions.defaults(Device.CPU).withComputeDType(DType.I32));

        // the native checks, reached directly
        var nativeRange = assertThrows(LowbitException.class, () -> tiny.engineCall(d -> d.prefill(new int[] {1, -5})));
        assertTrue(nativeRange.getMessage().contains("ids[1]=-5 is out of range"), nativeRange.getMessage());
        var full = assertThrows(LowbitException.class, () -> tiny.engineCall(d -> {
            d.reset();
            return d.prefill(new int[65]);
        }));
        assertTrue(full.getMessage().contains("beyond max_seq=64"), full.getMessage());
        var emptyIds = assertThrows(LowbitException.class, () -> tiny.engineCall(d -> d.prefill(new int[0])));
        assertTrue(emptyIds.getMessage().contains("n=0"), emptyIds.getMessage());
        var topP = assertThrows(LowbitException.class, () -> tiny.engineCall(d -> {
            d.setSampling(1, 1.5, 0);
            return null;
        }));
        assertTrue(topP.getMessage().contains("top_p"), topP.getMessage());
        var token = assertThrows(LowbitException.class, () -> tiny.engineCall(d -> d.decode(8192)));
        assertTrue(token.getMessage().contains("token=8192 is out of range"), token.getMessage());
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
