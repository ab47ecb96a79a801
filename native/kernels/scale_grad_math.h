// Scalar pieces of the E2E-QP scale gradient from packed integers (torch-free, CPU and CUDA).
#pragma once

#include <stdint.h>

#ifndef LB_HOST_DEVICE
#if defined(__CUDACC__)
#define LB_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define LB_HOST_DEVICE inline
#endif
#endif

namespace lb::kernels {

// Value i of column `col` of a GPTQ-packed [in*bits/32, out] int32 matrix: the column is one little-endian
// bit stream, value i at stream bits [bits*i, bits*i + bits) (for bits 2 and 4 the plain per-word layout,
// for bits 3 GPTQ's 96-bit groups).
LB_HOST_DEVICE uint32_t packed_value(const int32_t* qweight, int64_t out, int64_t col, int64_t i, int bits) {
  const int64_t bit = (int64_t)bits * i;
  const int64_t word = bit >> 5;
  const int offset = (int)(bit & 31);
  uint32_t v = (uint32_t)qweight[word * out + col] >> offset;
  if (offset + bits > 32) v |= (uint32_t)qweight[(word + 1) * out + col] << (32 - offset);
  return v & ((1u << bits) - 1u);
}

}  // namespace lb::kernels
