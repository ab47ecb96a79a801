package dev.lowbit.quant.method.rtn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.quant.TestDevice;
import dev.lowbit.quant.TestFixtures;
import dev.lowbit.quant.data.EvaluationProtocol;
import dev.lowbit.quant.data.TextTokenizer;
import dev.lowbit.quant.data.TokenWindows;
import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.eval.Perplexity;
import dev.lowbit.quant.export.GptqFormat;
import dev.lowbit.quant.model.LlamaModel;
import dev.lowbit.quant.model.ModelFolders;
import dev.lowbit.quant.model.ModelOptions;
import dev.lowbit.quant.progress.ProgressListener;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RTN on the tiny fixture, written to disk, read back by the model loader, scored by the full fixture
 * protocol: perplexity within 1% of transformers' number for the same RTN (reference.json).
 */
class RtnPerplexityTest {
    private static TokenWindows windows;

    @BeforeAll
    static void tokenize() throws Exception {
        try (TextTokenizer tokenizer = TextTokenizer.load(TestFixtures.tiny())) {
            windows = EvaluationProtocol.windows(tokenizer, TestFixtures.validText());
        }
    }

    @Test
    void w2g64ReadBackFromGptqPackedMatchesReference(@TempDir Path out) throws Exception {
        check(RtnConfig.asymmetric(2, 64), RtnModelQuantizer.Format.GPTQ, GptqFormat.V1, out, "rtn_w2g64_valid");
    }

    @Test
    void symmetricW4PerChannelReadBackFromFakeQuantMatchesReference(@TempDir Path out) throws Exception {
        check(RtnConfig.symmetricPerChannel(4), RtnModelQuantizer.Format.FAKE, GptqFormat.V2, out, "rtn_sym_w4_perchannel_valid");
    }

    private static void check(RtnConfig config, RtnModelQuantizer.Format format, GptqFormat zeros, Path out, String key)
            throws Exception {
        double expected = TestFixtures.reference().get("tiny").get(key).asDouble();
        try (Engine engine = new Engine()) {
            new RtnModelQuantizer(config, format, zeros).quantize(TestFixtures.tiny(), out, TestDevice.get(), engine, ProgressListener.NONE);
            try (LlamaModel model = ModelFolders.open(out, engine, ModelOptions.defaults().withDevice(TestDevice.get()))) {
                double ppl = Perplexity.evaluate(model, windows, Perplexity.DEFAULT_BATCH_SIZE, ProgressListener.NONE).perplexity();
                System.out.printf("tiny RTN %s %s: perplexity %.3f (transformers %.3f)%n", config.label(), format, ppl, expected);
                assertTrue(Math.abs(ppl - expected) <= 0.01 * expected, config.label() + " " + format + ": " + ppl + " vs " + expected);
            }
        }
    }
}
