// Adapter behind lb_dequantize_gptq: unpacks a GPTQ-style packed linear with the packing kernels, then
// gathers zero points and scales per input row with ATen ops (any device). Also the adapter of
// lb_packed_linear (the packed matmul over the same layout).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace lb {

// g_idx may be undefined (then i / group_size, or group 0 for every i when group_size <= 0).
// Returns f32 [out, in] on the tensors' device.
at::Tensor dequantize_gptq(const at::Tensor& qweight, const at::Tensor& qzeros, const at::Tensor& scales,
                           const at::Tensor& g_idx, int bits, int64_t group_size, int zero_offset);

// y f32 [m, out] = x [m, in] . W^T for the same packed layout (no g_idx), fp32 accumulation; x f32/f16/bf16.
// CPU tensors run the CPU packed matmul kernel, CUDA tensors the CUDA one (kernels/cuda/packed_matmul_cuda).
at::Tensor packed_linear(const at::Tensor& x, const at::Tensor& qweight, const at::Tensor& qzeros,
                         const at::Tensor& scales, int bits, int64_t group_size, int zero_offset);
// The same with the output in out_dtype (F32, F16 or BF16: e.g. x's dtype for a decode step); on CUDA the
// 16-bit output is converted from the f32 accumulators on the device.
at::Tensor packed_linear(const at::Tensor& x, const at::Tensor& qweight, const at::Tensor& qzeros,
                         const at::Tensor& scales, int bits, int64_t group_size, int zero_offset,
                         at::ScalarType out_dtype);

}  // namespace lb
