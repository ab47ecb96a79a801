#include "kernels/cuda/vq_matmul_cuda.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "kernels/cuda/vq_gemv_fast_kernel.cuh"
#include "kernels/cuda/vq_gemv_mma_kernel.cuh"
#include "kernels/cuda/vq_gemv_wide_kernel.cuh"
#include "kernels/cuda/vq_matmul_cuda_kernel.cuh"

namespace lb::kernels {
using namespace vq_cuda;

namespace {

template <int V>
cudaError_t launch_gemv(const VqLayout& l, const VqWeightsCuda& w, const float* xs, float* y, int sms,
                        cudaStream_t stream) {
  const int64_t chunk = chunk_for(l, sms);
  const size_t smem = static_cast<size_t>(shared_bytes(l, chunk, w.res_centroids != nullptr));
  if (smem > 48 * 1024) {
    const cudaError_t e = cudaFuncSetAttribute(vq_gemv_kernel<V>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                               static_cast<int>(smem));
    if (e != cudaSuccess) return e;
  }
  const dim3 grid(static_cast<unsigned>((l.vector_rows + kThreads - 1) / kThreads), static_cast<unsigned>(l.groups),
                  static_cast<unsigned>((l.group_size + chunk - 1) / chunk));
  vq_gemv_kernel<V><<<grid, kThreads, smem, stream>>>(l, w, xs, y, chunk);
  return cudaGetLastError();
}

template <int V, int SV, int T>
cudaError_t launch_fast_t(const VqLayout& l, const VqWeightsCuda& w, const float* xs, float* y, const VqFastPlan& plan,
                          cudaStream_t stream) {
  if (plan.shared_bytes > 48 * 1024) {
    const cudaError_t e = cudaFuncSetAttribute(vq_gemv_fast_kernel<V, SV, T>,
                                               cudaFuncAttributeMaxDynamicSharedMemorySize,
                                               static_cast<int>(plan.shared_bytes));
    if (e != cudaSuccess) return e;
  }
  const dim3 grid(static_cast<unsigned>(plan.row_slices), static_cast<unsigned>(plan.col_blocks * l.groups), 1);
  vq_gemv_fast_kernel<V, SV, T><<<grid, kFastThreads, static_cast<size_t>(plan.shared_bytes), stream>>>(l, w, xs, y,
                                                                                                       plan);
  return cudaGetLastError();
}

template <int V, int SV>
cudaError_t launch_fast_sv(const VqLayout& l, const VqWeightsCuda& w, const float* xs, float* y,
                           const VqFastPlan& plan, cudaStream_t stream) {
  switch (l.index_bits) {
    case 8: return launch_fast_t<V, SV, 8>(l, w, xs, y, plan, stream);
    case 12: return launch_fast_t<V, SV, 12>(l, w, xs, y, plan, stream);
    case 16: return launch_fast_t<V, SV, 16>(l, w, xs, y, plan, stream);
    case 24: return launch_fast_t<V, SV, 24>(l, w, xs, y, plan, stream);
    default: return cudaErrorInvalidValue;
  }
}

// The one dispatch site of the column-stationary GEMV (vq_gemv_fast_kernel.cuh) by (v, padded stride).
cudaError_t launch_fast(const VqLayout& l, const VqWeightsCuda& w, const float* xs, float* y, const VqFastPlan& plan,
                        cudaStream_t stream) {
  switch (l.v) {
    case 2: return launch_fast_sv<2, 2>(l, w, xs, y, plan, stream);
    case 4: return launch_fast_sv<4, 4>(l, w, xs, y, plan, stream);
    case 6: return launch_fast_sv<6, 6>(l, w, xs, y, plan, stream);
    case 8: return launch_fast_sv<8, 8>(l, w, xs, y, plan, stream);
    case 12: return plan.sv == 16 ? launch_fast_sv<12, 16>(l, w, xs, y, plan, stream)
                                  : launch_fast_sv<12, 12>(l, w, xs, y, plan, stream);
    case 16: return launch_fast_sv<16, 16>(l, w, xs, y, plan, stream);
    default: return cudaErrorInvalidValue;
  }
}

template <int V, int T, bool RES>
cudaError_t launch_wide_t(const VqLayout& l, const VqWeightsCuda& w, const float* xs, float* y, const VqFastPlan& plan,
                          cudaStream_t stream) {
  if (plan.shared_bytes > 48 * 1024) {
    const cudaError_t e = cudaFuncSetAttribute(vq_gemv_wide_kernel<V, T, RES>,
                                               cudaFuncAttributeMaxDynamicSharedMemorySize,
                                               static_cast<int>(plan.shared_bytes));
    if (e != cudaSuccess) return e;
  }
  const dim3 grid(static_cast<unsigned>(plan.row_slices), static_cast<unsigned>(plan.col_blocks * l.groups), 1);
  vq_gemv_wide_kernel<V, T, RES><<<grid, kWideThreads, static_cast<size_t>(plan.shared_bytes), stream>>>(l, w, xs, y,
                                                                                                       plan);
  return cudaGetLastError();
}

template <int V, bool RES>
cudaError_t launch_wide_v(const VqLayout& l, const VqWeightsCuda& w, const float* xs, float* y, const VqFastPlan& plan,
                          cudaStream_t stream) {
  switch (l.index_bits) {
    case 8: return launch_wide_t<V, 8, RES>(l, w, xs, y, plan, stream);
    case 12: return launch_wide_t<V, 12, RES>(l, w, xs, y, plan, stream);
    case 16: return launch_wide_t<V, 16, RES>(l, w, xs, y, plan, stream);
    case 24: return launch_wide_t<V, 24, RES>(l, w, xs, y, plan, stream);
    default: return cudaErrorInvalidValue;
  }
}

// The one dispatch site of the wide GEMV (vq_gemv_wide_kernel.cuh) by (v, residual).
cudaError_t launch_wide(const VqLayout& l, const VqWeightsCuda& w, const float* xs, float* y, const VqFastPlan& plan,
                        cudaStream_t stream) {
  const bool res = w.res_centroids != nullptr;
  switch (l.v) {
    case 2: return res ? launch_wide_v<2, true>(l, w, xs, y, plan, stream) : launch_wide_v<2, false>(l, w, xs, y, plan, stream);
    case 4: return res ? launch_wide_v<4, true>(l, w, xs, y, plan, stream) : launch_wide_v<4, false>(l, w, xs, y, plan, stream);
    case 6: return res ? launch_wide_v<6, true>(l, w, xs, y, plan, stream) : launch_wide_v<6, false>(l, w, xs, y, plan, stream);
    case 8: return res ? launch_wide_v<8, true>(l, w, xs, y, plan, stream) : launch_wide_v<8, false>(l, w, xs, y, plan, stream);
    default: return cudaErrorInvalidValue;
  }
}

template <int T, bool BANKED>
cudaError_t launch_mma_t(const VqLayout& l, const VqWeightsCuda& w, const float* xs, float* y, const VqFastPlan& plan,
                         cudaStream_t stream) {
  if (plan.shared_bytes > 48 * 1024) {
    const cudaError_t e = cudaFuncSetAttribute(vq_gemv_mma_kernel<T, BANKED>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                               static_cast<int>(plan.shared_bytes));
    if (e != cudaSuccess) return e;
  }
  const dim3 grid(static_cast<unsigned>(plan.row_slices), static_cast<unsigned>(plan.col_blocks * l.groups), 1);
  vq_gemv_mma_kernel<T, BANKED><<<grid, kMmaThreads, static_cast<size_t>(plan.shared_bytes), stream>>>(l, w, xs, y, plan);
  return cudaGetLastError();
}

// The one dispatch site of the tensor-core GEMV (v8) by index width and banked indices.
cudaError_t launch_mma(const VqLayout& l, const VqWeightsCuda& w, const float* xs, float* y, const VqFastPlan& plan,
                       cudaStream_t stream) {
  const bool banked = w.bank_indices != nullptr;
  switch (l.index_bits) {
    case 8: return banked ? launch_mma_t<8, true>(l, w, xs, y, plan, stream) : launch_mma_t<8, false>(l, w, xs, y, plan, stream);
    case 12: return banked ? launch_mma_t<12, true>(l, w, xs, y, plan, stream) : launch_mma_t<12, false>(l, w, xs, y, plan, stream);
    default: return cudaErrorInvalidValue;
  }
}

// 0: the column-stationary kernel ("old"), 1: the wide one ("wide" / "new"), 2: the tensor-core one where it applies
// (the default), else the wide one.
std::atomic<int> g_variant_override{-1};

int variant_selected() {
  const int o = g_variant_override.load(std::memory_order_relaxed);
  if (o >= 0) return o;
  const char* e = std::getenv("LOWBIT_VQ_GEMV");
  if (e != nullptr && std::strcmp(e, "old") == 0) return 0;
  if (e != nullptr && (std::strcmp(e, "wide") == 0 || std::strcmp(e, "new") == 0)) return 1;
  return 2;
}

bool wide_selected() { return variant_selected() >= 1; }

// The general kernel (any index width) by vector length.
cudaError_t launch_general(const VqLayout& l, const VqWeightsCuda& w, const float* workspace, float* y, int sms,
                           cudaStream_t stream) {
  cudaError_t e = cudaSuccess;
  switch (l.v) {
    case 2: e = launch_gemv<2>(l, w, workspace, y, sms, stream); break;
    case 4: e = launch_gemv<4>(l, w, workspace, y, sms, stream); break;
    case 6: e = launch_gemv<6>(l, w, workspace, y, sms, stream); break;
    case 8: e = launch_gemv<8>(l, w, workspace, y, sms, stream); break;
    case 12: e = launch_gemv<12>(l, w, workspace, y, sms, stream); break;
    case 16: e = launch_gemv<16>(l, w, workspace, y, sms, stream); break;
    default: return cudaErrorInvalidValue;
  }
  return e;
}

}  // namespace

const char* vq_linear_cuda_unsupported(const VqLayout& l, int max_shared_bytes) {
  switch (l.v) {
    case 2: case 4: case 6: case 8: case 12: case 16: break;
    default: return "vector length not built for the fused CUDA GEMV (built: 2, 4, 6, 8, 12, 16)";
  }
  if (l.k < 8 || (l.k_res > 0 && l.k_res < 8)) return "fewer than 8 centroids";
  if (l.index_bits > 32) return "more than 32 index bits per element";
  if (l.groups > 65535) return "more than 65535 groups";
  if (shared_bytes(l, kMaxChunk, l.k_res > 0) > max_shared_bytes) return "codebooks do not fit in shared memory";
  return nullptr;
}

cudaError_t vq_linear_cuda(const VqLayout& l, const VqWeightsCuda& w, const void* x, int x_dtype, float* y,
                           float* workspace, cudaStream_t stream) {
  if (l.rows == 0) return cudaSuccess;
  cudaError_t e = cudaMemsetAsync(workspace + l.cols, 0, sizeof(float), stream);
  if (e != cudaSuccess) return e;
  {
    // also zeroes y (one launch less than a memset)
    const int64_t span = l.cols > l.rows ? l.cols : l.rows;
    vq_prepare_kernel<<<static_cast<unsigned>((span + kThreads - 1) / kThreads), kThreads, 0, stream>>>(
        l, w, x, x_dtype, workspace, y);
    if ((e = cudaGetLastError()) != cudaSuccess) return e;
  }
  const bool has_main = l.cols > l.outliers && l.groups > 0;
  if (has_main) {
    int device = 0, sms = 0, max_shared = 0;
    if (cudaGetDevice(&device) != cudaSuccess ||
        cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device) != cudaSuccess) {
      sms = 132;
    }
    if (cudaDeviceGetAttribute(&max_shared, cudaDevAttrMaxSharedMemoryPerBlockOptin, device) != cudaSuccess) {
      max_shared = 48 * 1024;
    }
    VqFastPlan plan{};
    const bool res = w.res_centroids != nullptr;
    VqWeightsCuda wm = w;
    if (variant_selected() == 2 && w.bank_indices != nullptr && !vq_mma_plan(l, res, true, sms, max_shared, &plan)) {
      wm.bank_indices = nullptr;  // the banked copies do not fit here: the plain tensor-core kernel, if it does
    }
    if (variant_selected() == 2 && vq_mma_plan(l, res, wm.bank_indices != nullptr, sms, max_shared, &plan)) {
      e = launch_mma(l, wm, workspace, y, plan, stream);
    } else if (wide_selected() && vq_wide_plan(l, w.res_centroids != nullptr, sms, max_shared, &plan)) {
      e = launch_wide(l, w, workspace, y, plan, stream);
    } else if (vq_fast_plan(l, w.res_centroids != nullptr, sms, max_shared, &plan)) {
      e = launch_fast(l, w, workspace, y, plan, stream);
    } else {
      e = launch_general(l, w, workspace, y, sms, stream);
    }
    if (e != cudaSuccess) return e;
  }
  if (l.outliers > 0 || !has_main) {
    vq_outlier_kernel<<<static_cast<unsigned>((l.rows + kThreads - 1) / kThreads), kThreads, 0, stream>>>(
        l, w, workspace, y, !has_main);
    e = cudaGetLastError();
  }
  return e;
}

void vq_gemv_cuda_set_variant(int variant) { g_variant_override.store(variant < 0 ? -1 : (variant > 2 ? 2 : variant)); }

const char* vq_gemv_cuda_kernel_name(const VqLayout& l, bool residual, int sms, int max_shared_bytes, bool banked) {
  if (l.rows == 0 || !(l.cols > l.outliers && l.groups > 0)) return "none";
  VqFastPlan plan{};
  if (variant_selected() == 2 && banked && vq_mma_plan(l, residual, true, sms, max_shared_bytes, &plan)) return "mma-banked";
  if (variant_selected() == 2 && vq_mma_plan(l, residual, false, sms, max_shared_bytes, &plan)) return "mma";

  if (wide_selected() && vq_wide_plan(l, residual, sms, max_shared_bytes, &plan)) return "wide";
  if (vq_fast_plan(l, residual, sms, max_shared_bytes, &plan)) return "fast";
  return "general";
}

const char* vq_bank_indices_unsupported(const VqLayout& l, int max_shared_bytes) {
  if (l.v != 8) return "vector_len is not 8 (the banked GEMV reads 16-byte entries)";
  if (l.k_res > 0) return "a residual codebook (the banked GEMV takes the main codebook only)";
  if (l.index_bits != 8 && l.index_bits != 12) return "num_centroids is not 256 or 4096 (8 or 12 index bits)";
  if (l.rows == 0 || l.cols <= l.outliers || l.groups < 1) return "no main columns";
  if (l.group_size < 65) return "group_size < 65 (a warp's lane octets need 8 runs of 16 columns in a group)";
  VqFastPlan plan{};
  // the plan's row slice is at most kMmaMaxRowsPerBlock rows on any device: the SM count only sizes it
  if (!vq_mma_plan(l, false, true, 1, max_shared_bytes, &plan)) return "three codebook copies do not fit in shared memory";
  return nullptr;
}

int64_t vq_bank_index_count(const VqLayout& l, int max_shared_bytes) {
  return vq_bank_indices_unsupported(l, max_shared_bytes) == nullptr ? bank_index_count(l) : 0;
}

cudaError_t vq_bank_indices_cuda(const VqLayout& l, const VqWeightsCuda& w, uint16_t* slots, cudaStream_t stream) {
  const int64_t quartets = (bank_runs(l) + kBankQuartet - 1) / kBankQuartet;
  const int64_t threads = l.groups * l.vector_rows * quartets;
  if (threads == 0) return cudaSuccess;
  vq_bank_indices_kernel<<<static_cast<unsigned>((threads + kThreads - 1) / kThreads), kThreads, 0, stream>>>(
      l, w.indices, slots);
  return cudaGetLastError();
}

cudaError_t vq_dequantize_cuda(const VqLayout& l, const VqWeightsCuda& w, float* w_out, cudaStream_t stream) {
  const int64_t total = l.rows * l.cols;
  if (total == 0) return cudaSuccess;
  int64_t blocks = (total + kThreads - 1) / kThreads;
  if (blocks > 65535) blocks = 65535;
  vq_dequantize_kernel<<<static_cast<unsigned>(blocks), kThreads, 0, stream>>>(l, w, w_out);
  return cudaGetLastError();
}

}  // namespace lb::kernels
