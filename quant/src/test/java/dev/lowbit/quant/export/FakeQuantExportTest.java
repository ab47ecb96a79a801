package dev.lowbit.quant.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lowbit.quant.TestDevice;
import dev.lowbit.quant.TestFixtures;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.DType;
import dev.lowbit.quant.io.FloatCodec;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.method.rtn.RtnConfig;
import dev.lowbit.quant.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FakeQuantExportTest {
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path temp;

    @Test
    void rtnWeightsAreStoredInTheModelDtypeInTheStandardLayout() throws IOException {
        Path source = TestFixtures.tiny();
        Path out = temp.resolve("fake");
        try (RtnQuantizedModel model = new RtnQuantizedModel(source, RtnConfig.asymmetric(3, 64), TestDevice.get());
             FakeQuantCheckpointWriter writer = new FakeQuantCheckpointWriter(source)) {
            model.weights.forEach((k, q) -> writer.add(k.layer(), k.projection(), q.dequant()));
            writer.write(out);
            try (Checkpoint written = Checkpoint.open(out); Checkpoint src = Checkpoint.open(source)) {
                model.config.weights().validateAgainst(written);
                assertEquals(src.names().stream().sorted().toList(), written.names().stream().sorted().toList());
                for (String name : src.names()) {
                    assertEquals(src.info(name).dtype(), written.info(name).dtype(), name);
                    if (!name.matches(".*_proj\\.weight")) {
                        assertArrayEquals(src.slice(name).toArray(ValueLayout.JAVA_BYTE), written.slice(name).toArray(ValueLayout.JAVA_BYTE), name);
                    }
                }
                model.weights.forEach((k, q) -> assertBf16(written, k.projection().weightName(k.layer()), q.dequant().toFloatArray()));
            }
        }
        assertConfigWithoutQuantization(source, out);
    }

    @Test
    void gptqCheckpointConvertsToFakeQuant() throws IOException {
        Path source = TestFixtures.tiny();
        Path gptqDir = temp.resolve("gptq");
        Path out = temp.resolve("fake");
        RtnConfig rtn = RtnConfig.asymmetric(4, 64);
        try (RtnQuantizedModel model = new RtnQuantizedModel(source, rtn, TestDevice.get())) {
            try (GptqCheckpointWriter writer = new GptqCheckpointWriter(source, GptqConfig.of(rtn, GptqFormat.V1))) {
                model.addTo(writer);
                writer.write(gptqDir);
            }
            try (GptqCheckpointReader reader = GptqCheckpointReader.open(gptqDir);
                 FakeQuantCheckpointWriter writer = new FakeQuantCheckpointWriter(gptqDir)) {
                for (int layer = 0; layer < model.config.numHiddenLayers(); layer++) {
                    for (Projection p : Projection.values()) {
                        try (Tensor w = reader.dequantize(layer, p, TestDevice.get())) {
                            writer.add(layer, p, w);
                        }
                    }
                }
                writer.write(out);
            }
            try (Checkpoint written = Checkpoint.open(out)) {
                model.config.weights().validateAgainst(written);
                assertTrue(written.names().stream().noneMatch(n -> n.endsWith(".qweight") || n.endsWith(".qzeros")
                        || n.endsWith(".scales") || n.endsWith(".g_idx")), written.names().toString());
                model.weights.forEach((k, q) -> assertBf16(written, k.projection().weightName(k.layer()),
                        RtnQuantizedModel.dequantWithF16Scales(q)));
            }
        }
        assertFalse(Files.exists(out.resolve(GptqCheckpointWriter.QUANTIZE_CONFIG_FILE)));
        assertConfigWithoutQuantization(source, out);
    }

    @Test
    void aGptqSourceNeedsEveryPackedLinearDequantized() throws IOException {
        Path source = TestFixtures.tiny();
        Path gptqDir = temp.resolve("gptq");
        RtnConfig rtn = RtnConfig.asymmetric(4, 128);
        try (RtnQuantizedModel model = new RtnQuantizedModel(source, rtn, TestDevice.get());
             GptqCheckpointWriter writer = new GptqCheckpointWriter(source, GptqConfig.of(rtn, GptqFormat.V2))) {
            model.addTo(writer);
            writer.write(gptqDir);
        }
        try (GptqCheckpointReader reader = GptqCheckpointReader.open(gptqDir);
             FakeQuantCheckpointWriter writer = new FakeQuantCheckpointWriter(gptqDir);
             Tensor w = reader.dequantize(0, Projection.Q, TestDevice.get())) {
            writer.add(0, Projection.Q, w);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> writer.write(temp.resolve("fake")));
            assertTrue(e.getMessage().contains("27 GPTQ-packed linear(s) have no dequantized weight"), e.getMessage());
            assertTrue(e.getMessage().contains("model.layers.0.self_attn.k_proj"), e.getMessage());
        }
    }

    private static void assertBf16(Checkpoint written, String name, float[] expected) {
        assertEquals(DType.BF16, written.info(name).dtype(), name);
        for (int k = 0; k < expected.length; k++) {
            assertEquals(FloatCodec.floatToBf16(expected[k]), written.slice(name).get(LE_SHORT, 2L * k), name + " element " + k);
        }
    }

    private static void assertConfigWithoutQuantization(Path source, Path out) throws IOException {
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(source.resolve("config.json").toFile()), json.readTree(out.resolve("config.json").toFile()));
        assertFalse(ModelConfig.load(out).isQuantized());
        assertArrayEquals(Files.readAllBytes(source.resolve("tokenizer.json")), Files.readAllBytes(out.resolve("tokenizer.json")));
    }
}
