#include "kernels/cuda/packed_matmul_cuda.h"

#include "kernels/cuda/packed_gemv_cuda.h"
#include "kernels/cuda/packed_matmul_cuda_kernel.cuh"
#include "kernels/cuda/packed_mma_cuda.h"
#include "kernels/cuda/packed_mma_pipe_cuda.h"

namespace lb::kernels {
using namespace packed_cuda;

namespace {

template <int B, int MT>
cudaError_t launch(const PackedLinearCudaArgs& a, const PackedLinearCudaPlan& plan, int64_t units_per_split,
                   cudaStream_t stream) {
  constexpr size_t kSmem = kernel_smem_bytes<B, MT>();
  if (kSmem > 48 * 1024) {
    static cudaError_t attr = cudaFuncSetAttribute(packed_linear_kernel<B, MT>,
                                                   cudaFuncAttributeMaxDynamicSharedMemorySize, (int)kSmem);
    if (attr != cudaSuccess) return attr;
  }
  const dim3 grid(static_cast<unsigned>((a.out + kBlockCols - 1) / kBlockCols), static_cast<unsigned>(plan.splits),
                  static_cast<unsigned>((a.m + MT - 1) / MT));
  packed_linear_kernel<B, MT><<<grid, kThreads, kSmem, stream>>>(a, units_per_split, plan.splits > 1);
  return cudaGetLastError();
}

template <int B>
cudaError_t launch_bits(const PackedLinearCudaArgs& a, const PackedLinearCudaPlan& plan, int64_t units_per_split,
                        cudaStream_t stream) {
  switch (plan.m_tile) {
    case 1: return launch<B, 1>(a, plan, units_per_split, stream);
    case 2: return launch<B, 2>(a, plan, units_per_split, stream);
    case 4: return launch<B, 4>(a, plan, units_per_split, stream);
    case 8: return launch<B, 8>(a, plan, units_per_split, stream);
    case 16: return launch<B, 16>(a, plan, units_per_split, stream);
    default: return cudaErrorInvalidValue;
  }
}

}  // namespace

const char* packed_linear_cuda_unsupported(int bits, int x_dtype, int scales_dtype) {
  if (bits != 2 && bits != 3 && bits != 4) return "bits must be 2, 3 or 4";
  if (x_dtype != kPackedF32 && x_dtype != kPackedF16 && x_dtype != kPackedBF16) return "x must be f32, f16 or bf16";
  if (scales_dtype != kPackedF32 && scales_dtype != kPackedF16 && scales_dtype != kPackedBF16) {
    return "scales must be f32, f16 or bf16";
  }
  return nullptr;
}

PackedLinearCudaPlan packed_linear_cuda_plan(int bits, int64_t m, int64_t in, int64_t out, int sm_count) {
  return plan_for(bits, m, in, out, sm_count);
}

int64_t packed_linear_cuda_workspace_bytes(int bits, int64_t m, int64_t in) {
  if (bits != 2 && bits != 3 && bits != 4) return 0;
  return m <= 4 ? packed_gemv_cuda_workspace_bytes(m, in) : packed_mma_pipe_cuda_workspace_bytes(bits, m, in);
}

int64_t packed_linear_cuda_workspace_bytes(const PackedLinearCudaArgs& a) {
  if (packed_linear_cuda_unsupported(a.bits, a.x_dtype, a.scales_dtype) != nullptr || a.m <= 0 || a.in <= 0) return 0;
  if (packed_gemv_cuda_applies(a)) return packed_gemv_cuda_workspace_bytes(a.m, a.in);  // the order of the dispatch
  if (packed_mma_cuda_takes(a) && packed_mma_pipe_cuda_takes(a)) {
    return packed_mma_pipe_cuda_workspace_bytes(a.bits, a.m, a.in);
  }
  return 0;
}

const char* packed_linear_cuda_kernel_name(const PackedLinearCudaArgs& a) {
  if (const char* gemv = packed_gemv_cuda_kernel_name(a)) return gemv;
  if (!packed_mma_cuda_takes(a)) return "tiled";
  return packed_mma_pipe_cuda_takes(a) ? "mma_pipe" : "mma";
}

cudaError_t packed_linear_cuda(const PackedLinearCudaArgs& a, cudaStream_t stream, PackedLinearCudaWorkspace ws) {
  if (packed_linear_cuda_unsupported(a.bits, a.x_dtype, a.scales_dtype) != nullptr) return cudaErrorInvalidValue;
  if (a.out % 8 != 0 || a.in % unit_rows(a.bits) != 0 || a.group_size <= 0 ||
      a.group_size % unit_rows(a.bits) != 0) {
    return cudaErrorInvalidValue;
  }
  if (a.m == 0 || a.out == 0) return cudaSuccess;
  if ((a.m + 15) / 16 > 65535) return cudaErrorInvalidValue;
  const int64_t count = a.m * a.out;
  if (a.in == 0) {
    cudaError_t e = cudaMemsetAsync(a.y, 0, count * sizeof(float), stream);
    if (e != cudaSuccess) return e;
  } else if (packed_gemv_cuda_applies(a)) {  // m <= 4: the dp4a GEMV (packed_gemv_cuda.cuh)
    cudaError_t e = packed_gemv_cuda(a, stream, ws);
    if (e != cudaSuccess) return e;
  } else if (packed_mma_cuda_takes(a)) {  // m >= 5: tensor cores (packed_mma_cuda.cuh)
    cudaError_t e = packed_mma_cuda(a, stream, ws);
    if (e != cudaSuccess) return e;
  } else {
    int device = 0;
    int sms = 0;
    if (cudaGetDevice(&device) != cudaSuccess ||
        cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device) != cudaSuccess) {
      sms = 132;
    }
    const PackedLinearCudaPlan plan = packed_linear_cuda_plan(a.bits, a.m, a.in, a.out, sms);
    const int64_t per = units_per_split_for(plan, a.bits, a.in);
    if (plan.splits > 1) {
      cudaError_t e = cudaMemsetAsync(a.y, 0, count * sizeof(float), stream);
      if (e != cudaSuccess) return e;
    }
    cudaError_t e = a.bits == 4   ? launch_bits<4>(a, plan, per, stream)
                    : a.bits == 3 ? launch_bits<3>(a, plan, per, stream)
                                  : launch_bits<2>(a, plan, per, stream);
    if (e != cudaSuccess) return e;
  }
  if (a.y_out != nullptr) {
    if (a.y_out_dtype != kPackedF16 && a.y_out_dtype != kPackedBF16) return cudaErrorInvalidValue;
    int64_t blocks = (count + 255) / 256;
    if (blocks > 4096) blocks = 4096;
    f32_to_16bit_kernel<<<static_cast<unsigned>(blocks), 256, 0, stream>>>(a.y, a.y_out, a.y_out_dtype, count);
    return cudaGetLastError();
  }
  return cudaSuccess;
}

}  // namespace lb::kernels
