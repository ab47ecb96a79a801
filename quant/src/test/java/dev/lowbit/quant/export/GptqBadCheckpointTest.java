package dev.lowbit.quant.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowbit.quant.TestDevice;
import dev.lowbit.quant.TestFixtures;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.CheckpointWriter;
import dev.lowbit.quant.io.ModelFormatException;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.method.rtn.RtnConfig;
import dev.lowbit.quant.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken GPTQ folders and misuse of the writer give errors that name the file, tensor or layer. */
class GptqBadCheckpointTest {
    private static final RtnConfig RTN = RtnConfig.asymmetric(4, 64);

    @TempDir
    static Path shared;
    static Path good;

    @TempDir
    Path temp;

    @BeforeAll
    static void exportOnce() throws IOException {
        good = shared.resolve("good");
        try (RtnQuantizedModel model = new RtnQuantizedModel(TestFixtures.tiny(), RTN, TestDevice.get());
             GptqCheckpointWriter writer = new GptqCheckpointWriter(TestFixtures.tiny(), GptqConfig.of(RTN, GptqFormat.V2))) {
            model.addTo(writer);
            writer.write(good);
        }
    }

    @Test
    void missingQzerosNamesTheFileAndTheTensor() throws IOException {
        Path broken = copyWithout("model.layers.1.mlp.up_proj.qzeros");
        try (GptqCheckpointReader reader = GptqCheckpointReader.open(broken)) {
            try (Tensor ok = reader.dequantize(1, Projection.DOWN, TestDevice.get())) {
                assertEquals(2, ok.shape().length);
            }
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> reader.dequantize(1, Projection.UP, TestDevice.get()));
            assertEquals("model.layers.1.mlp.up_proj.qzeros", e.tensor());
            assertEquals(broken.resolve("model.safetensors").toAbsolutePath(), e.file().toAbsolutePath());
            assertTrue(e.getMessage().contains("missing"), e.getMessage());
        }
    }

    @Test
    void bitsThatDoNotMatchTheTensorsAreAShapeErrorOnQweight() throws IOException {
        Path broken = copyWithConfig(q -> q.put("bits", 2));
        try (GptqCheckpointReader reader = GptqCheckpointReader.open(broken)) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> reader.dequantize(0, Projection.Q, TestDevice.get()));
            assertEquals("model.layers.0.self_attn.q_proj.qweight", e.tensor());
            assertTrue(e.getMessage().contains("has shape [16, 128], expected [8, 128]"), e.getMessage());
            assertTrue(e.getMessage().contains("bits=2"), e.getMessage());
        }
    }

    @Test
    void groupSizeThatDoesNotMatchTheScalesIsAShapeError() throws IOException {
        Path broken = copyWithConfig(q -> q.put("group_size", 32));
        try (GptqCheckpointReader reader = GptqCheckpointReader.open(broken)) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> reader.dequantize(0, Projection.DOWN, TestDevice.get()));
            assertEquals("model.layers.0.mlp.down_proj.qzeros", e.tensor());
            assertTrue(e.getMessage().contains("has shape [6, 16], expected [12, 16]"), e.getMessage());
        }
    }

    @Test
    void unknownCheckpointFormatOrMethodIsRejectedNamingConfigJson() throws IOException {
        Path format = copyWithConfig(q -> q.put("checkpoint_format", "marlin"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> GptqCheckpointReader.open(format));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("'marlin' (expected 'gptq' or 'gptq_v2')"),
                e.getMessage());
        Path method = copyWithConfig(q -> q.put("quant_method", "awq"));
        e = assertThrows(ModelFormatException.class, () -> GptqCheckpointReader.open(method));
        assertTrue(e.getMessage().contains("quant_method is 'awq' (expected 'gptq')"), e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> GptqCheckpointReader.open(TestFixtures.tiny()));
        assertTrue(e.getMessage().contains("has no quantization_config"), e.getMessage());
    }

    @Test
    void writerNeedsEveryLinearAndTheirShapes() throws IOException {
        try (RtnQuantizedModel model = new RtnQuantizedModel(TestFixtures.tiny(), RTN, TestDevice.get());
             GptqCheckpointWriter writer = new GptqCheckpointWriter(TestFixtures.tiny(), GptqConfig.of(RTN, GptqFormat.V2))) {
            writer.add(0, Projection.Q, model.get(0, Projection.Q));
            IllegalStateException missing = assertThrows(IllegalStateException.class, () -> writer.write(temp.resolve("out")));
            assertTrue(missing.getMessage().contains("27 decoder linear(s) were not added"), missing.getMessage());
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                    () -> writer.add(0, Projection.K, model.get(0, Projection.Q)));
            assertTrue(shape.getMessage().contains("model.layers.0.self_attn.k_proj: codes have shape [128, 128], expected [64, 128]"),
                    shape.getMessage());
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                    () -> writer.add(0, Projection.Q, model.get(0, Projection.Q)));
            assertTrue(twice.getMessage().contains("added twice"), twice.getMessage());
        }
        assertTrue(Files.notExists(temp.resolve("out")));
    }

    @Test
    void writingOverTheSourceFolderIsRefused() throws IOException {
        Path copy = copyWithout("no such tensor");
        try (RtnQuantizedModel model = new RtnQuantizedModel(TestFixtures.tiny(), RTN, TestDevice.get())) {
            Files.writeString(copy.resolve("config.json"), Files.readString(TestFixtures.tiny().resolve("config.json")));
            try (GptqCheckpointWriter writer = new GptqCheckpointWriter(copy, GptqConfig.of(RTN, GptqFormat.V2))) {
                model.addTo(writer);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> writer.write(copy));
                assertTrue(e.getMessage().contains("is the source model folder"), e.getMessage());
            }
        }
    }

    /** The good export with one tensor left out. */
    private Path copyWithout(String tensor) throws IOException {
        Path dir = Files.createTempDirectory(temp, "broken");
        try (Checkpoint src = Checkpoint.open(good)) {
            CheckpointWriter writer = new CheckpointWriter(dir);
            for (String name : src.names()) {
                if (!name.equals(tensor)) writer.copyFrom(src, name);
            }
            writer.write();
        }
        Files.copy(good.resolve("config.json"), dir.resolve("config.json"));
        return dir;
    }

    /** The good export with its quantization_config edited. */
    private Path copyWithConfig(Consumer<ObjectNode> edit) throws IOException {
        Path dir = copyWithout("no such tensor");
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(dir.resolve("config.json").toFile());
        edit.accept((ObjectNode) config.get("quantization_config"));
        json.writeValue(dir.resolve("config.json").toFile(), config);
        return dir;
    }
}
