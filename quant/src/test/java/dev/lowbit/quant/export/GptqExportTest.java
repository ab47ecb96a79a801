package dev.lowbit.quant.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lowbit.quant.TestDevice;
import dev.lowbit.quant.TestFixtures;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.DType;
import dev.lowbit.quant.io.LlamaWeights;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.io.TensorInfo;
import dev.lowbit.quant.method.rtn.QuantizedWeight;
import dev.lowbit.quant.method.rtn.RtnConfig;
import dev.lowbit.quant.model.LinearWeights;
import dev.lowbit.quant.tensor.Tensor;
import dev.lowbit.quant.tensor.TensorMath;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RTN-quantized tiny model exported as GPTQ v1 / v2, read back and compared exactly. */
class GptqExportTest {
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path temp;

    static Stream<Arguments> settings() {
        return Stream.of(
                Arguments.of(RtnConfig.asymmetric(4, 128), GptqFormat.V2),
                Arguments.of(RtnConfig.asymmetric(4, 64), GptqFormat.V1),
                Arguments.of(RtnConfig.asymmetric(3, 128), GptqFormat.V1),
                Arguments.of(RtnConfig.asymmetric(3, 64), GptqFormat.V2),
                Arguments.of(RtnConfig.asymmetric(2, 64), GptqFormat.V2),
                Arguments.of(RtnConfig.asymmetric(2, 32), GptqFormat.V1),
                Arguments.of(RtnConfig.asymmetric(8, 128), GptqFormat.V2),
                Arguments.of(RtnConfig.symmetricPerChannel(4), GptqFormat.V1),
                Arguments.of(RtnConfig.symmetricPerChannel(3), GptqFormat.V2));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("settings")
    void exportedCheckpointDequantizesToTheRtnWeights(RtnConfig rtn, GptqFormat format) throws IOException {
        Path source = TestFixtures.tiny();
        Path out = temp.resolve("gptq");
        GptqConfig gptq = GptqConfig.of(rtn, format);
        try (RtnQuantizedModel model = new RtnQuantizedModel(source, rtn, TestDevice.get());
             GptqCheckpointWriter writer = new GptqCheckpointWriter(source, gptq)) {
            model.addTo(writer);
            writer.write(out);

            try (GptqCheckpointReader reader = GptqCheckpointReader.open(out)) {
                assertEquals(gptq, reader.config());
                LinearWeights linears = reader::dequantize;  // how the model runner takes a checkpoint's linears
                try (Tensor w = linears.weight(0, Projection.O, TestDevice.get())) {
                    assertArrayEquals(RtnQuantizedModel.dequantWithF16Scales(model.get(0, Projection.O)), w.toFloatArray());
                }
                for (int layer = 0; layer < model.config.numHiddenLayers(); layer++) {
                    for (Projection p : Projection.values()) {
                        QuantizedWeight q = model.get(layer, p);
                        assertTrue(reader.isPacked(layer, p));
                        try (Tensor w = reader.dequantize(layer, p, TestDevice.get())) {
                            assertArrayEquals(new long[] {p.outFeatures(model.config), p.inFeatures(model.config)}, w.shape());
                            float[] got = w.toFloatArray();
                            assertArrayEquals(RtnQuantizedModel.dequantWithF16Scales(q), got, p.modulePath(layer));
                            assertEqualToRtnWhereScalesAreF16(q, got, p.modulePath(layer));
                            // elsewhere only the f16 rounding of the scale separates them
                            assertTrue(TensorMath.squaredError(q.dequant(), w).relative() < 1e-3, p.modulePath(layer));
                        }
                    }
                }
            }
        }
        assertFolderLayout(source, out, gptq);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("symmetricV1V2")
    void symmetricZeroPointsAreStoredPerFormat(RtnConfig rtn, GptqFormat format, int expectedWord) throws IOException {
        Path out = temp.resolve("sym");
        try (RtnQuantizedModel model = new RtnQuantizedModel(TestFixtures.tiny(), rtn, TestDevice.get());
             GptqCheckpointWriter writer = new GptqCheckpointWriter(TestFixtures.tiny(), GptqConfig.of(rtn, format))) {
            model.addTo(writer);
            writer.write(out);
        }
        try (Checkpoint written = Checkpoint.open(out)) {
            String name = Projection.DOWN.modulePath(2) + ".qzeros";
            TensorInfo info = written.info(name);
            assertArrayEquals(new long[] {1, 128 * 4 / 32}, info.shape());
            for (long k = 0; k < info.elementCount(); k++) {
                assertEquals(expectedWord, written.slice(name).get(LE_INT, 4 * k), name + " word " + k);
            }
        }
    }

    static Stream<Arguments> symmetricV1V2() {
        // 4-bit symmetric: z = 8, stored as 8 (v2) or 7 (v1) in every nibble.
        return Stream.of(Arguments.of(RtnConfig.symmetricPerChannel(4), GptqFormat.V2, 0x88888888),
                Arguments.of(RtnConfig.symmetricPerChannel(4), GptqFormat.V1, 0x77777777));
    }

    /** Where the f32 scale survives f16 unchanged, the GPTQ weight equals RTN's own dequant bit for bit. */
    static void assertEqualToRtnWhereScalesAreF16(QuantizedWeight q, float[] got, String module) {
        float[] rtn = q.dequant().toFloatArray();
        float[] scales = q.scales().toFloatArray();
        int in = (int) q.codes().shape()[1];
        int groups = (int) q.scales().shape()[1];
        int group = in / groups;
        for (int g = 0; g < scales.length; g++) {
            if (Float.float16ToFloat(Float.floatToFloat16(scales[g])) != scales[g]) continue;
            int row = g / groups;
            int start = row * in + (g % groups) * group;
            for (int i = start; i < start + group; i++) {
                assertEquals(Float.floatToRawIntBits(rtn[i]), Float.floatToRawIntBits(got[i]), module + " element " + i);
            }
        }
    }

    private static void assertFolderLayout(Path source, Path out, GptqConfig gptq) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode config = json.readTree(out.resolve("config.json").toFile());
        JsonNode q = config.get("quantization_config");
        assertEquals("gptq", q.get("quant_method").asText());
        assertEquals(gptq.bits(), q.get("bits").asInt());
        assertEquals(gptq.perChannel() ? -1 : gptq.groupSize(), q.get("group_size").asLong());
        assertEquals(gptq.symmetric(), q.get("sym").asBoolean());
        assertFalse(q.get("desc_act").asBoolean());
        assertEquals(gptq.format() == GptqFormat.V1 ? "gptq" : "gptq_v2", q.get("checkpoint_format").asText());
        assertEquals(q, json.readTree(out.resolve("quantize_config.json").toFile()));
        // everything else in config.json is as it was
        JsonNode original = json.readTree(source.resolve("config.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) config).remove("quantization_config");
        assertEquals(original, config);
        assertTrue(ModelConfig.load(out).isQuantized());

        for (String name : List.of("tokenizer.json", "tokenizer_config.json", "generation_config.json")) {
            assertArrayEquals(Files.readAllBytes(source.resolve(name)), Files.readAllBytes(out.resolve(name)), name);
        }

        ModelConfig model = ModelConfig.load(source);
        try (Checkpoint src = Checkpoint.open(source); Checkpoint written = Checkpoint.open(out)) {
            List<String> expectedNames = new ArrayList<>();
            for (String name : src.names()) {
                if (name.matches(".*_proj\\.weight")) continue;
                expectedNames.add(name);
                assertEquals(src.info(name).dtype(), written.info(name).dtype(), name);
                assertArrayEquals(src.slice(name).toArray(ValueLayout.JAVA_BYTE), written.slice(name).toArray(ValueLayout.JAVA_BYTE), name);
            }
            for (int layer = 0; layer < model.numHiddenLayers(); layer++) {
                for (Projection p : Projection.values()) {
                    long in = p.inFeatures(model);
                    long outF = p.outFeatures(model);
                    long groups = gptq.groupsFor(in);
                    String m = p.modulePath(layer);
                    assertTensor(written, m + ".qweight", DType.I32, in * gptq.bits() / 32, outF);
                    assertTensor(written, m + ".qzeros", DType.I32, groups, outF * gptq.bits() / 32);
                    assertTensor(written, m + ".scales", DType.F16, groups, outF);
                    assertTensor(written, m + ".g_idx", DType.I32, in);
                    int[] gIdx = written.slice(m + ".g_idx").toArray(ValueLayout.JAVA_INT_UNALIGNED);
                    for (int i = 0; i < in; i++) assertEquals(gptq.groupOf(i), gIdx[i], m + ".g_idx[" + i + "]");
                    expectedNames.addAll(List.of(m + ".qweight", m + ".qzeros", m + ".scales", m + ".g_idx"));
                }
            }
            assertEquals(expectedNames.stream().sorted().toList(), written.names().stream().sorted().toList());
            assertTrue(written.has(LlamaWeights.LM_HEAD) && written.has(LlamaWeights.EMBED_TOKENS));
        }
    }

    private static void assertTensor(Checkpoint c, String name, DType dtype, long... shape) {
        TensorInfo info = c.info(name);
        assertEquals(dtype, info.dtype(), name);
        assertArrayEquals(shape, info.shape(), name);
    }
}
