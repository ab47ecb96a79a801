// Adapter behind lb_dequantize_gptq: unpacks a GPTQ-style packed linear with the packing kernels, then
// gathers zero points and scales per input row with ATen ops (any device).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace lb {

// g_idx may be undefined (then i / group_size, or group 0 for every i when group_size <= 0).
// Returns f32 [out, in] on the tensors' device.
at::Tensor dequantize_gptq(const at::Tensor& qweight, const at::Tensor& qzeros, const at::Tensor& scales,
                           const at::Tensor& g_idx, int bits, int64_t group_size, int zero_offset);

}  // namespace lb
