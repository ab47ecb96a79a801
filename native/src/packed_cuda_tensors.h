// Tensor preparation shared by the ATen adapters of the packed CUDA kernels (CUDA builds only).
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

#include "kernels/cuda/packed_matmul_cuda.h"

namespace lb {

// The kernels' code for an activation / scale dtype (f16, bf16, else f32).
inline int packed_dtype_code(at::ScalarType t) {
  return t == at::kHalf ? kernels::kPackedF16 : t == at::kBFloat16 ? kernels::kPackedBF16 : kernels::kPackedF32;
}

// 16-byte aligned and contiguous (the kernels' vector loads need both).
inline at::Tensor aligned16(const at::Tensor& t) {
  at::Tensor c = t.contiguous();
  if (reinterpret_cast<uintptr_t>(c.data_ptr()) % 16 != 0) c = c.clone();
  return c;
}

// The packed GEMV's arguments for one linear (qweight [in * bits / 32, out]) adding into y f32 [m, out]; x is left
// for the caller. The tensors must outlive the launch and be laid out as the kernels need (aligned16).
inline kernels::PackedLinearCudaArgs packed_gemv_args(const at::Tensor& qweight, const at::Tensor& qzeros,
                                                      const at::Tensor& scales, int bits, int64_t rows_per_group,
                                                      int zero_offset, int64_t m, int64_t in, at::Tensor& y) {
  kernels::PackedLinearCudaArgs a{};
  a.m = m;
  a.in = in;
  a.out = qweight.size(1);
  a.qweight = qweight.data_ptr<int32_t>();
  a.qzeros = qzeros.data_ptr<int32_t>();
  a.zero_offset = zero_offset;
  a.scales = scales.data_ptr();
  a.scales_dtype = packed_dtype_code(scales.scalar_type());
  a.group_size = rows_per_group;
  a.bits = bits;
  a.y = y.data_ptr<float>();
  a.y_out = nullptr;
  return a;
}

}  // namespace lb
