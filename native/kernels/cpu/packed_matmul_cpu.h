// Packed int2/int3/int4 matmul on the CPU (torch-free): y[m, out] = x[m, in] . W^T, where W [out, in] is
// given in the GPTQ-style layout (qweight i32 [in * bits / 32, out], values packed down the input
// dimension, least significant bits first; bits 3: 32 values in 3 words as one 96-bit stream).
#pragma once

#include <stdint.h>

namespace lb::kernels {

struct PackedLinearArgs {
  const float* x;          // [m, in], row-major
  int64_t m;
  int64_t in;
  int64_t out;
  const int32_t* qweight;  // [in * bits / 32, out]
  const int32_t* qzeros;   // [groups, out * bits / 32] zero points, packed along the columns like qweight
  int zero_offset;         // added to every stored zero point mod 2^bits: 0 (GPTQ v2) or 1 (GPTQ v1)
  const float* scales;     // [groups, out]
  int64_t group_size;      // input rows per group (the last group may be shorter); a multiple of
                           // packed_linear_group_multiple(bits)
  int bits;                // 2, 3 or 4
  float* y;                // [m, out], row-major, fp32
  int num_threads;         // <= 0: the OpenMP default
};

// Input rows covered by one packing unit (1 word, or 3 words for bits 3): 16, 32, 8 for bits 2, 3, 4;
// 0 for a bit width that was not built.
int64_t packed_linear_group_multiple(int bits);

// Computes y in fp32 with fp32 accumulation:
//   y[r, o] = sum_g s[g, o] * (sum_{i in g} x[r, i] * q[i, o] - z[g, o] * sum_{i in g} x[r, i]).
// Returns 0, or -1 for a bit width that was not built (args untouched).
int packed_linear_cpu(const PackedLinearArgs& args);

// Which instruction-set variant packed_linear_cpu runs on this machine ("avx2" or "generic").
const char* packed_linear_cpu_variant();

}  // namespace lb::kernels
