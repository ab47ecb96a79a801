package dev.lowbit.quant.export;

import dev.lowbit.quant.tensor.Tensor;

/**
 * One linear in the GPTQ layout: qweight I32 [in*bits/32, out], qzeros I32 [groups, out*bits/32],
 * scales F16 [groups, out], g_idx I32 [in].
 */
public record GptqTensors(Tensor qweight, Tensor qzeros, Tensor scales, Tensor gIdx) implements AutoCloseable {
    public static final String QWEIGHT = "qweight";
    public static final String QZEROS = "qzeros";
    public static final String SCALES = "scales";
    public static final String G_IDX = "g_idx";

    @Override
    public void close() {
        qweight.close();
        qzeros.close();
        scales.close();
        gIdx.close();
    }
}
