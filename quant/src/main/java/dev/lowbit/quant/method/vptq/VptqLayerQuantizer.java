package dev.lowbit.quant.method.vptq;


import dev.lowbit.bindings.lb_vptq_layer;
import dev.lowbit.bindings.lb_vptq_options;
import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.Native;
import dev.lowbit.quant.export.VptqLinear;
import dev.lowbit.quant.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** One linear through lb_vptq_quantize_layer; call on the engine thread of the tensors' device. */
public final class VptqLayerQuantizer {
    private VptqLayerQuantizer() {}

    /** The result and the layer's Hessian-weighted proxy error tr(dW H dW^T) (normalized, damped H). */
    public record Result(VptqLinear linear, double proxyError, double weightError) {}

    public static Result quantize(Tensor weight, Tensor hessian, VptqConfig c, boolean errorFeedback) {
        int out = Math.toIntExact(weight.shape()[0]), in = Math.toIntExact(weight.shape()[1]);
        int outliers = c.outlierColumns(in);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment o = lb_vptq_options.allocate(call);
            lb_vptq_options.struct_size(o, lb_vptq_options.sizeof());
            lb_vptq_options.vector_len(o, c.vectorLen());
            lb_vptq_options.codebook_size(o, c.codebook());
            lb_vptq_options.res_codebook_size(o, c.resCodebook());
            lb_vptq_options.outlier_vector_len(o, VptqConfig.OUTLIER_VECTOR_LEN);
            lb_vptq_options.outlier_codebook_size(o, outliers > 0 ? c.outlierCodebook() : 0);
            lb_vptq_options.groups(o, c.groups());
            lb_vptq_options.outlier_columns(o, outliers);
            lb_vptq_options.enable_norm(o, c.norm() ? 1 : 0);
            lb_vptq_options.enable_perm(o, c.actOrder() ? 1 : 0);
            lb_vptq_options.block_size(o, VptqConfig.BLOCK_SIZE);
            lb_vptq_options.error_feedback(o, errorFeedback ? 1 : 0);
            lb_vptq_options.kmeans_max_iter(o, c.kmeansIters());
            lb_vptq_options.kmeans_init(o, c.codebook() <= 256 ? lowbit_h.LB_KMEANS_INIT_PLUSPLUS() : lowbit_h.LB_KMEANS_INIT_RANDOM());
            lb_vptq_options.kmeans_tol(o, c.kmeansTol());
            lb_vptq_options.damp(o, VptqConfig.DAMP);
            lb_vptq_options.seed(o, c.seed());
            lb_vptq_options.finetune_steps(o, c.finetuneSteps());
            lb_vptq_options.finetune_lr(o, VptqConfig.FINETUNE_LR);
            MemorySegment r = lb_vptq_layer.allocate(call);
            r.fill((byte) 0);
            lb_vptq_layer.struct_size(r, lb_vptq_layer.sizeof());
            int status = lowbit_h.lb_vptq_quantize_layer(weight.address(), hessian.address(), o, r);
            try (Tensor centroids = adopt(lb_vptq_layer.centroids(r));
                 Tensor res = adopt(lb_vptq_layer.res_centroids(r));
                 Tensor indices = adopt(lb_vptq_layer.indices(r));
                 Tensor resIndices = adopt(lb_vptq_layer.res_indices(r));
                 Tensor oc = adopt(lb_vptq_layer.outlier_centroids(r));
                 Tensor oi = adopt(lb_vptq_layer.outlier_indices(r));
                 Tensor perm = adopt(lb_vptq_layer.perm(r));
                 Tensor scale = adopt(lb_vptq_layer.weight_scale(r));
                 Tensor bias = adopt(lb_vptq_layer.weight_bias(r));
                 Tensor dequant = adopt(lb_vptq_layer.dequant(r))) {
                Native.check(status, "lb_vptq_quantize_layer");
                int groupSize = (in - outliers + c.groups() - 1) / c.groups();
                VptqLinear linear = new VptqLinear(out, in, c.vectorLen(), c.codebook(), c.resCodebook(), c.groups(), groupSize,
                        VptqConfig.OUTLIER_VECTOR_LEN, outliers > 0 ? c.outlierCodebook() : 0, outliers,
                        centroids.toFloatArray(), res == null ? null : res.toFloatArray(), ints(indices),
                        resIndices == null ? null : ints(resIndices), oc == null ? null : oc.toFloatArray(),
                        oi == null ? null : ints(oi), longsAsInts(perm), scale.toFloatArray(), bias.toFloatArray(), c.norm());
                return new Result(linear, lb_vptq_layer.proxy_error(r), lb_vptq_layer.weight_error(r));
            }
        }
    }

    private static Tensor adopt(MemorySegment handle) {
        return handle.equals(MemorySegment.NULL) ? null : Tensor.adopt(handle);
    }

    static int[] ints(Tensor t) {
        byte[] b = t.toByteArray();
        int[] out = new int[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).asIntBuffer().get(out);
        return out;
    }

    static int[] longsAsInts(Tensor t) {
        byte[] b = t.toByteArray();
        long[] l = new long[b.length / 8];
        ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).asLongBuffer().get(l);
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) out[i] = Math.toIntExact(l[i]);
        return out;
    }

}
