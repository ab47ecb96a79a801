#include "kernels/cuda/pack_bits_cuda.h"

#include "kernels/pack_bits_math.h"

namespace lb::kernels {
namespace {

constexpr int kThreads = 256;
constexpr int64_t kMaxBlocks = 65535;

unsigned grid_for(int64_t items) {
  int64_t blocks = (items + kThreads - 1) / kThreads;
  return (unsigned)(blocks < kMaxBlocks ? blocks : kMaxBlocks);
}

// One thread per output word. Along dim 0 neighbouring threads take neighbouring columns (coalesced).
__global__ void pack_kernel(const uint8_t* __restrict__ values, int64_t rows, int64_t cols, int bits, int dim,
                            uint32_t* __restrict__ packed) {
  const int64_t words_per_line = packed_words(dim == 0 ? rows : cols, bits);
  const int64_t total = dim == 0 ? words_per_line * cols : rows * words_per_line;
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (int64_t)gridDim.x * blockDim.x) {
    if (dim == 0) {
      const int64_t w = i / cols, c = i % cols;
      packed[i] = pack_word(values + c, cols, w, bits);
    } else {
      const int64_t r = i / words_per_line, w = i % words_per_line;
      packed[i] = pack_word(values + r * cols, 1, w, bits);
    }
  }
}

// One thread per value.
__global__ void unpack_kernel(const int32_t* __restrict__ packed, int64_t rows, int64_t cols, int bits, int dim,
                              uint8_t* __restrict__ values) {
  const int64_t total = rows * cols;
  const int64_t words_per_row = dim == 0 ? 0 : packed_words(cols, bits);
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < total; i += (int64_t)gridDim.x * blockDim.x) {
    const int64_t r = i / cols, c = i % cols;
    values[i] = dim == 0 ? unpack_value(packed + c, cols, r, bits) : unpack_value(packed + r * words_per_row, 1, c, bits);
  }
}

}  // namespace

cudaError_t pack_bits_cuda(const uint8_t* values, int64_t rows, int64_t cols, int bits, int dim, int32_t* packed,
                           cudaStream_t stream) {
  const int64_t words = packed_words(dim == 0 ? rows : cols, bits) * (dim == 0 ? cols : rows);
  if (words == 0) return cudaSuccess;
  pack_kernel<<<grid_for(words), kThreads, 0, stream>>>(values, rows, cols, bits, dim,
                                                         reinterpret_cast<uint32_t*>(packed));
  return cudaGetLastError();
}

cudaError_t unpack_bits_cuda(const int32_t* packed, int64_t rows, int64_t cols, int bits, int dim, uint8_t* values,
                             cudaStream_t stream) {
  if (rows * cols == 0) return cudaSuccess;
  unpack_kernel<<<grid_for(rows * cols), kThreads, 0, stream>>>(packed, rows, cols, bits, dim, values);
  return cudaGetLastError();
}

}  // namespace lb::kernels
