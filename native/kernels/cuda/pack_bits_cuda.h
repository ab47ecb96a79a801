// GPTQ-style bit packing into int32 words on a CUDA device (torch-free; same contract as pack_bits_cpu).
#pragma once

#include <cuda_runtime_api.h>
#include <stdint.h>

namespace lb::kernels {

// Device pointers; values is row-major [rows, cols]. Launch asynchronously on `stream`; return the launch status.
cudaError_t pack_bits_cuda(const uint8_t* values, int64_t rows, int64_t cols, int bits, int dim, int32_t* packed,
                           cudaStream_t stream);
cudaError_t unpack_bits_cuda(const int32_t* packed, int64_t rows, int64_t cols, int bits, int dim, uint8_t* values,
                             cudaStream_t stream);

}  // namespace lb::kernels
