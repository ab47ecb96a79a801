package dev.lowbit.quant.model;

import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.export.GptqCheckpointReader;
import dev.lowbit.quant.export.VptqCheckpointReader;
import dev.lowbit.quant.io.ModelConfig;
import java.io.IOException;
import java.nio.file.Path;

/** Opens any model folder lowbit can run: full precision, or a GPTQ-packed or VPTQ checkpoint (dequantized per block). */
public final class ModelFolders {
    private ModelFolders() {}

    public static LlamaModel open(Path folder, Engine engine, ModelOptions options) throws IOException {
        ModelConfig config = ModelConfig.load(folder);
        if (!config.isQuantized()) return LlamaModel.open(folder, engine, options);
        String method = config.quantizationConfig().orElseThrow().path("quant_method").asText("");
        if (method.equals("vptq")) return openVptq(folder, config, engine, options);
        if (!method.equals("gptq")) {
            throw new UnsupportedOperationException(folder.resolve(ModelConfig.FILE_NAME) + ": quantization method '" + method
                    + "' cannot be loaded (supported: gptq, vptq)");
        }
        GptqCheckpointReader reader = GptqCheckpointReader.open(folder);
        try {
            BlockWeightSource blocks = BlockWeightSource.of(config, reader.checkpoint(), reader::dequantize);
            return LlamaModel.load(config, reader.checkpoint(), blocks, engine, options, reader);
        } catch (RuntimeException | Error e) {
            reader.close();
            throw e;
        }
    }

    /** VPTQ: each linear dequantized on the host when its block is loaded. */
    private static LlamaModel openVptq(Path folder, ModelConfig config, Engine engine, ModelOptions options) throws IOException {
        VptqCheckpointReader reader = VptqCheckpointReader.open(folder);
        try {
            BlockWeightSource blocks = BlockWeightSource.of(config, reader.checkpoint(), reader::dequantize);
            return LlamaModel.load(config, reader.checkpoint(), blocks, engine, options, reader);
        } catch (RuntimeException | Error e) {
            reader.close();
            throw e;
        }
    }
}
