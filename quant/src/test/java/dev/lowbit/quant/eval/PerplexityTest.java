package dev.lowbit.quant.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.quant.TestDevice;
import dev.lowbit.quant.TestFixtures;
import dev.lowbit.quant.data.TextTokenizer;
import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.model.LlamaModel;
import dev.lowbit.quant.model.ModelOptions;
import dev.lowbit.quant.progress.ProgressListener;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Perplexity of the tiny fixture on valid.txt by the fixture protocol, against transformers' number. */
class PerplexityTest {

    @Test
    void tinyValidPerplexityMatchesTransformers() throws Exception {
        assertMatchesReference(TestFixtures.tiny(), "tiny");
    }

    /** About 8x tiny's work: run with -Dlowbit.slow=true. */
    @Test
    @EnabledIfSystemProperty(named = "lowbit.slow", matches = "true")
    void smallValidPerplexityMatchesTransformers() throws Exception {
        Path small = TestFixtures.small().orElse(null);
        Assumptions.assumeTrue(small != null, "shared fixture model 'small' not present");
        assertMatchesReference(small, "small");
    }

    private static void assertMatchesReference(Path folder, String name) throws Exception {
        double expected = TestFixtures.reference().get(name).get("fp_valid").asDouble();
        Perplexity.Result result;
        try (Engine engine = new Engine();
             TextTokenizer tokenizer = TextTokenizer.load(folder);
             LlamaModel model = LlamaModel.open(folder, engine, ModelOptions.defaults().withDevice(TestDevice.get()))) {
            result = Perplexity.evaluate(model, tokenizer, TestFixtures.validText(), Perplexity.DEFAULT_BATCH_SIZE,
                    ProgressListener.NONE);
        }
        System.out.printf("%s valid perplexity %.4f (transformers %.3f), %d windows, %d tokens in %.1f s (%.0f tokens/s)%n",
                name, result.perplexity(), expected, result.windows(), result.tokensScored(), result.seconds(),
                result.tokensPerSecond());
        assertEquals(1171, result.windows());
        assertEquals(1171L * 511, result.tokensScored());
        assertTrue(Math.abs(result.perplexity() - expected) <= 0.005 * expected,
                "perplexity " + result.perplexity() + " vs " + expected);
    }
}
