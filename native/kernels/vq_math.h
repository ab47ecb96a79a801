// VPTQ stored format (specs/vptq.md "Stored format"), torch-free and shared by the CPU and CUDA kernels:
// the layout numbers and reading one element of the packed index bit stream.
#pragma once

#include <stdint.h>

#if defined(__CUDACC__)
#define LB_VQ_HD __host__ __device__ __forceinline__
#else
#define LB_VQ_HD inline
#endif

namespace lb::kernels {

// Sizes of one VQ linear (W [rows = out_features M, cols = in_features N]).
struct VqLayout {
  int64_t rows;          // M
  int64_t cols;          // N
  int v;                 // main vector length
  int k;                 // main centroids per group (a power of two)
  int k_res;             // residual centroids per group (a power of two), 0: no residual codebook
  int v0;                // outlier vector length (when outliers > 0)
  int k0;                // outlier centroids (when outliers > 0)
  int64_t groups;        // G
  int64_t group_size;    // S columns per group (G * S >= N - O)
  int64_t outliers;      // O leading columns (in permuted order) with the outlier codebook
  int index_bits;        // T = log2 k + log2 k_res
  int main_bits;         // log2 k
  int64_t row_words;     // ceil(S * T / 32): 32-bit words per (group, vector row)
  int64_t vector_rows;   // ceil(M / v)
  int64_t outlier_vector_rows;  // ceil(M / v0)
};

// Element j of a little-endian bit stream of T-bit elements (may straddle two words; T <= 32).
LB_VQ_HD uint32_t vq_read_bits(const uint32_t* row, int64_t j, int bits) {
  const int64_t p = j * bits;
  const int off = static_cast<int>(p & 31);
  const uint64_t lo = row[p >> 5];
  uint64_t word = lo >> off;
  if (off + bits > 32) word |= static_cast<uint64_t>(row[(p >> 5) + 1]) << (32 - off);
  return static_cast<uint32_t>(word & ((bits >= 32) ? 0xFFFFFFFFull : ((1ull << bits) - 1ull)));
}

}  // namespace lb::kernels
