package dev.lowbit.quant.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.DType;
import dev.lowbit.quant.io.FloatCodec;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.ModelFormatException;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.io.TensorInfo;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the linears of a VPTQ checkpoint (config.json quant_method "vptq") back as dense F32 weights
 * [out, in]: unpacks the index bit stream and looks the codebooks up on the host.
 */
public final class VptqCheckpointReader implements AutoCloseable {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path configFile;
    private final JsonNode layers;
    private final Checkpoint checkpoint;

    private VptqCheckpointReader(Path configFile, JsonNode layers, Checkpoint checkpoint) {
        this.configFile = configFile;
        this.layers = layers;
        this.checkpoint = checkpoint;
    }

    public static VptqCheckpointReader open(Path folder) throws IOException {
        Path configFile = folder.resolve(ModelConfig.FILE_NAME);
        ModelConfig model = ModelConfig.load(folder);
        JsonNode qc = model.quantizationConfig()
                .orElseThrow(() -> new ModelFormatException(configFile, "has no quantization_config: not a VPTQ checkpoint"));
        if (!qc.path("quant_method").asText("").equals("vptq")) {
            throw new ModelFormatException(configFile, "quantization_config.quant_method is not \"vptq\"");
        }
        JsonNode layers = qc.path("config_for_layers");
        if (!layers.isObject()) throw new ModelFormatException(configFile, "quantization_config has no config_for_layers object");
        return new VptqCheckpointReader(configFile, layers, Checkpoint.open(folder));
    }

    public Checkpoint checkpoint() {
        return checkpoint;
    }

    /** The stored quantized linear of {@code module}, unpacked. */
    public VptqLinear linear(String module) {
        JsonNode c = layers.path(module);
        if (!c.isObject()) throw new ModelFormatException(configFile, "config_for_layers has no entry for " + module);
        int in = c.path("in_features").asInt(), out = c.path("out_features").asInt();
        int v0 = c.path("vector_lens").path(0).asInt(-1), v = c.path("vector_lens").path(1).asInt();
        int k0 = c.path("num_centroids").path(0).asInt(-1), k = c.path("num_centroids").path(1).asInt();
        int kr = c.path("num_res_centroids").path(1).asInt(-1);
        int g = c.path("group_num").asInt(1), s = c.path("group_size").asInt(), o = c.path("outlier_size").asInt(0);
        boolean norm = c.path("enable_norm").asBoolean(false);
        if (!c.path("is_indice_packed").asBoolean(false) || c.path("indices_as_float").asBoolean(false)) {
            throw new ModelFormatException(configFile, module + ": only packed integer indices are supported");
        }
        if (v < 1 || k < 1 || g < 1 || s < 1 || in < 1 || out < 1 || (o > 0 && (v0 < 1 || k0 < 1))) {
            throw new ModelFormatException(configFile, module + ": invalid layer config " + c);
        }
        int resK = kr > 0 ? kr : 0;
        for (int size : new int[] {k, resK, o > 0 ? k0 : 1}) {
            if (size > 0 && Integer.bitCount(size) != 1) {
                throw new ModelFormatException(configFile, module + ": codebook size " + size + " is not a power of two (layer config " + c + ")");
            }
        }
        int mv = (out + v - 1) / v;
        int bits = VptqLinear.log2(k) + (resK > 0 ? VptqLinear.log2(resK) : 0);
        int[] words = ints(module + "." + VptqCheckpointWriter.INDICES, new long[] {g, mv, VptqIndexPacking.wordsPerRow(s, bits)});
        int[][] unpacked = VptqLinear.unpackIndices(words, g, mv, s, k, resK);
        int[] idx = unpacked[0], ridx = unpacked[1];
        float[] centroids = floats(module + "." + VptqCheckpointWriter.CENTROIDS, new long[] {g, (long) k * v});
        float[] res = resK > 0 ? floats(module + "." + VptqCheckpointWriter.RES_CENTROIDS, new long[] {g, (long) resK * v}) : null;
        float[] oc = null;
        int[] oi = null;
        if (o > 0) {
            oc = floats(module + "." + VptqCheckpointWriter.OUTLIER_CENTROIDS, new long[] {1, (long) k0 * v0});
            oi = shorts(module + "." + VptqCheckpointWriter.OUTLIER_INDICES, new long[] {1, (out + v0 - 1) / v0, o});
        }
        int[] perm = shorts(module + "." + VptqCheckpointWriter.PERM, new long[] {in});
        float[] scale = norm ? floats(module + "." + VptqCheckpointWriter.SCALE, new long[] {in}) : null;
        float[] bias = norm ? floats(module + "." + VptqCheckpointWriter.BIAS, new long[] {in}) : null;
        return new VptqLinear(out, in, v, k, resK, g, s, Math.max(v0, 1), Math.max(k0, 0), o, centroids, res, idx, ridx, oc, oi,
                perm, scale, bias, norm);
    }

    /** The dequantized weight F32 [out, in] of one linear, on {@code device}. */
    public Tensor dequantize(int layer, Projection p, Device device) {
        VptqLinear q = linear(p.modulePath(layer));
        return Tensor.of(q.dequantize(), device, q.out(), q.in());
    }

    private TensorInfo require(String name, long[] shape, DType... dtypes) {
        if (!checkpoint.has(name)) throw new ModelFormatException(checkpoint.path(), name, "missing (a VPTQ linear needs it)");
        TensorInfo info = checkpoint.info(name);
        if (!Arrays.asList(dtypes).contains(info.dtype()) || !Arrays.equals(info.shape(), shape)) {
            throw new ModelFormatException(checkpoint.fileOf(name), name, info.dtype() + " " + Arrays.toString(info.shape())
                    + ", expected " + Arrays.toString(dtypes) + " " + Arrays.toString(shape));
        }
        return info;
    }

    private float[] floats(String name, long[] shape) {
        TensorInfo info = require(name, shape, DType.F16, DType.F32, DType.BF16);
        return FloatCodec.decode(checkpoint.slice(name), info.dtype(), Math.toIntExact(info.elementCount()));
    }

    private int[] ints(String name, long[] shape) {
        TensorInfo info = require(name, shape, DType.I32);
        MemorySegment m = checkpoint.slice(name);
        int[] out = new int[Math.toIntExact(info.elementCount())];
        for (int i = 0; i < out.length; i++) out[i] = m.get(I32, 4L * i);
        return out;
    }

    private int[] shorts(String name, long[] shape) {
        TensorInfo info = require(name, shape, DType.I16);
        MemorySegment m = checkpoint.slice(name);
        int[] out = new int[Math.toIntExact(info.elementCount())];
        for (int i = 0; i < out.length; i++) out[i] = m.get(I16, 2L * i) & 0xFFFF;
        return out;
    }

    @Override
    public void close() {
        checkpoint.close();
    }
}
