// Packed int2/int3/int4 matmul on the CPU (torch-free): y[m, out] = x[m, in] . W^T, where W [out, in] is
// given in the GPTQ-style layout (qweight i32 [in * bits / 32, out], values packed down the input
// dimension, least significant bits first; bits 3: 32 values in 3 words as one 96-bit stream).
#pragma once

#include <stdint.h>

#include "kernels/fake_quant_math.h"  // FloatType: the scales' element type

namespace lb::kernels {

struct PackedLinearArgs {
  const float* x;          // [m, in], row-major
  int64_t m;
  int64_t in;
  int64_t out;
  const int32_t* qweight;  // [in * bits / 32, out]
  const int32_t* qzeros;   // [groups, out * bits / 32] zero points, packed along the columns like qweight
  int zero_offset;         // added to every stored zero point mod 2^bits: 0 (GPTQ v2) or 1 (GPTQ v1)
  const void* scales;      // [groups, out], scales_dtype
  int scales_dtype;        // FloatType: kTypeF32 (the default), kTypeF16 or kTypeBF16
  int64_t group_size;      // input rows per group (the last group may be shorter); a multiple of
                           // packed_linear_group_multiple(bits)
  int bits;                // 2, 3 or 4
  float* y;                // [m, out], row-major, fp32
  int num_threads;         // <= 0: the OpenMP default
};

// Input rows covered by one packing unit (1 word, or 3 words for bits 3): 16, 32, 8 for bits 2, 3, 4;
// 0 for a bit width that was not built.
int64_t packed_linear_group_multiple(int bits);

// The kernels behind packed_linear_cpu:
//  kFloat: every code converted to f32 and multiplied with x in f32 (any m; the generic or the AVX2 build).
//  kInt8: m = 1 only, on AVX2 CPUs; x quantized per 32 rows to two int8 levels (x = d (q1 + q2 / 254), ~15 bits, the
//    CUDA GEMV's contract) and integer dots; in and group_size multiples of 32, out of 8; x finite.
//  kAuto: kInt8 where it takes the call (unless LOWBIT_PACKED_GEMV_INT8=0 in the environment), else kFloat.
enum class PackedCpuKernel { kAuto, kFloat, kInt8 };

// Computes y in fp32 with fp32 accumulation:
//   y[r, o] = sum_g s[g, o] * (sum_{i in g} x[r, i] * q[i, o] - z[g, o] * sum_{i in g} x[r, i]).
// Returns 0, or -1 for a bit width (or a scales dtype) that was not built (args untouched). The float kernel reads
// f32 scales: 16-bit ones are converted first, per call; the int8 kernel reads them as they are.
int packed_linear_cpu(const PackedLinearArgs& args);

// The same with the kernel named (tests, benchmarks): 0; -1 for a bit width not built; -2 where that kernel does not
// take these args on this machine (y untouched).
int packed_linear_cpu_with(const PackedLinearArgs& args, PackedCpuKernel kernel);

// Whether packed_linear_cpu takes these args (their shape fields; scales are not read) to the int8 kernel, which
// reads 16-bit scales as they are (x not checked yet: a NaN or an infinity still sends the call to the float kernel).
// Elsewhere an f32 copy of the scales is cheaper made by the caller (vectorized) than by the kernels' plain loop.
bool packed_linear_cpu_reads_scales16(const PackedLinearArgs& args);

// Which instruction-set variant packed_linear_cpu runs on this machine ("avx2" or "generic").
const char* packed_linear_cpu_variant();

}  // namespace lb::kernels
