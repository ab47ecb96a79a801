// A few rows through a dense linear on the CPU (torch-free): y[r, o] = sum_i w[o, i] * x[r, i], w row-major [out, in]
// in f32, f16 or bf16, x [rows, in] and y [rows, out] f32, f32 accumulation.
// Why: libtorch 1.13 on the CPU has no fast path for a 16-bit weight times one row (a bf16 decode step ran at a
// quarter of the f32 one), and OpenBLAS's sgemm packs the whole weight for a single row. Reading 16-bit weights as
// stored halves the bytes of a memory-bound step (the LM head of a quantized model, or every linear of a bf16 one).
// A prefill (several rows) widens the weight a tile at a time into a per-thread f32 buffer, instead of the whole weight
// to f32 for BLAS: faster than widening + BLAS up to 1024 rows (1.03-1.14x there, 5-15x at 2-16 rows; 2 cores,
// native/bench/dense_gemv_bench).
#pragma once

#include <stdint.h>

#include "kernels/fake_quant_math.h"  // FloatType, and the 16-bit conversions

namespace lb::kernels {

struct DenseGemvArgs {
  const float* x;  // [rows, in], row-major
  int64_t rows;    // >= 1
  int64_t in;
  int64_t out;
  const void* w;   // [out, in], w_dtype
  int w_dtype;     // FloatType: kTypeF32, kTypeF16 or kTypeBF16
  float* y;        // [rows, out], row-major
  int num_threads; // <= 0: the OpenMP default
};

// 0, or -1 for an unknown w_dtype or rows < 1 (y untouched). An AVX2 + FMA + F16C build runs where the CPU has them
// (LOWBIT_PACKED_GENERIC=1 forces the plain one, as for the packed kernels).
int dense_gemv_cpu(const DenseGemvArgs& args);

}  // namespace lb::kernels
