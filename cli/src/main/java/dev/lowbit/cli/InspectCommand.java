package dev.lowbit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.DType;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.TensorInfo;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a model folder's architecture, shapes, dtypes, parameter count and quantization.",
        footer = {"", "Examples:", "  lowbit inspect --model fixtures/tiny", "  lowbit inspect --model out/tiny-w4g128"})
final class InspectCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Hugging Face model folder.")
    Path model;

    @Option(names = "--tensors", description = "List every tensor with its dtype and shape.")
    boolean tensors;

    @Override
    public Integer call() throws Exception {
        Path dir = Paths.requireDirectory(model, "model folder");
        ModelConfig c = ModelConfig.load(dir);
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            Map<DType, long[]> byDtype = new TreeMap<>();
            long elements = 0;
            for (String name : checkpoint.names()) {
                TensorInfo info = checkpoint.info(name);
                elements += info.elementCount();
                long[] sum = byDtype.computeIfAbsent(info.dtype(), d -> new long[2]);
                sum[0] += info.elementCount();
                sum[1] += info.byteSize();
            }
            Table t = new Table("property", "value");
            t.row("folder", dir);
            t.row("architecture", c.architecture().className());
            t.row("layers", c.numHiddenLayers());
            t.row("hidden / intermediate", c.hiddenSize() + " / " + c.intermediateSize());
            t.row("heads / kv heads / head dim", c.numAttentionHeads() + " / " + c.numKeyValueHeads() + " / " + c.headDim());
            t.row("vocab", c.vocabSize());
            t.row("rope theta", c.ropeTheta());
            t.row("rms norm eps", c.rmsNormEps());
            t.row("tied embeddings", c.tieWordEmbeddings());
            t.row("config dtype", c.dtype());
            t.row("files", checkpoint.isSharded() ? checkpoint.shards().size() + " shards" : Checkpoint.SINGLE_FILE);
            t.row("tensors", checkpoint.names().size());
            t.row("stored elements", String.format(Locale.ROOT, "%,d", elements));
            for (var e : byDtype.entrySet()) {
                t.row("  " + e.getKey(), String.format(Locale.ROOT, "%,d elements, %.2f MB", e.getValue()[0], e.getValue()[1] / 1e6));
            }
            t.row("quantization", c.quantizationConfig().map(InspectCommand::describe).orElse("none (full precision)"));
            t.print(System.out);
            if (tensors) {
                System.out.println();
                Table list = new Table("tensor", "dtype", "shape");
                for (String name : checkpoint.names()) {
                    TensorInfo info = checkpoint.info(name);
                    list.row(name, info.dtype(), java.util.Arrays.toString(info.shape()));
                }
                list.print(System.out);
            }
        }
        return 0;
    }

    private static String describe(JsonNode q) {
        StringBuilder sb = new StringBuilder(q.path("quant_method").asText("?"));
        for (String key : new String[] {"bits", "group_size", "sym", "checkpoint_format", "vector_lens", "num_centroids"}) {
            if (q.has(key)) sb.append(", ").append(key).append('=').append(q.get(key));
        }
        return sb.toString();
    }
}
