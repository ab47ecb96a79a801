package dev.lowbit.quant.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bf16 tiny model in fixtures/tiny reads with the names and shapes its config implies. */
class TinyFixtureTest {

    @Test
    void readsWithExpectedNamesAndShapes() throws Exception {
        ModelConfig config = ModelConfig.load(TestFiles.tiny());
        try (Checkpoint ckpt = Checkpoint.open(TestFiles.tiny())) {
            assertEquals(Map.of("format", "pt"), ckpt.metadata());
            List<WeightSpec> expected = config.weights().all();
            assertEquals(expected.size(), ckpt.names().size());
            assertEquals(new HashSet<>(expected.stream().map(WeightSpec::name).toList()), new HashSet<>(ckpt.names()));
            long params = 0;
            for (WeightSpec spec : expected) {
                TensorInfo info = ckpt.info(spec.name());
                assertEquals(DType.BF16, info.dtype(), spec.name());
                assertArrayEquals(spec.shape(), info.shape(), spec.name());
                params += info.elementCount();
            }
            assertEquals(2_884_736, params, "2.88M parameters per the fixture README");
            config.weights().validateAgainst(ckpt);

            assertArrayEquals(new long[] {384, 128}, ckpt.info("model.layers.2.mlp.gate_proj.weight").shape());
            assertArrayEquals(new long[] {128, 384}, ckpt.info("model.layers.2.mlp.down_proj.weight").shape());
            assertArrayEquals(new long[] {64, 128}, ckpt.info("model.layers.2.self_attn.v_proj.weight").shape());
            assertArrayEquals(new long[] {8192, 128}, ckpt.info(LlamaWeights.LM_HEAD).shape());

            float[] norm = ckpt.readFloats(LlamaWeights.inputNorm(0));
            assertEquals(128, norm.length);
            double sum = 0;
            for (float v : norm) {
                assertTrue(Float.isFinite(v));
                sum += Math.abs(v);
            }
            assertTrue(sum > 1, "trained RMSNorm weights are not all zero");
            float[] embed = ckpt.readFloats(LlamaWeights.EMBED_TOKENS);
            assertEquals(8192 * 128, embed.length);
        }
    }
}
