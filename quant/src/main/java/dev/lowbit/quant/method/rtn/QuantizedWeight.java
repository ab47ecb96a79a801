package dev.lowbit.quant.method.rtn;

import dev.lowbit.quant.tensor.Tensor;

/**
 * A weight [out, in] quantized group-wise: integer codes (u8 [out, in]), scales and zero points
 * (f32 [out, groups]) and the dequantized weight (f32 [out, in]).
 */
public record QuantizedWeight(Tensor codes, Tensor scales, Tensor zeros, Tensor dequant) implements AutoCloseable {
    @Override
    public void close() {
        codes.close();
        scales.close();
        zeros.close();
        dequant.close();
    }
}
