#include "src/vptq/fused_block.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "kernels/cpu/vptq_block.h"
#include "src/error.h"

#if LOWBIT_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "kernels/cuda/vptq_block_cuda.h"
#endif

namespace lb::vptq {

bool fused_enabled() {
  const char* v = std::getenv("LOWBIT_VPTQ_FUSED");
  return v == nullptr || std::strcmp(v, "0") != 0;
}

bool fused_supported(const at::Tensor& w, int v, int64_t count) {
  if (w.is_cpu()) return true;
#if LOWBIT_WITH_CUDA
  if (w.is_cuda()) return kernels::vptq_block_cuda_supported(v, count);
#endif
  (void)v;
  (void)count;
  return false;
}

void fused_block_step(at::Tensor& w, at::Tensor& q_all, const at::Tensor& scale, const at::Tensor& bias,
                      const at::Tensor& u, FusedStep& step) {
  kernels::VptqBlockArgs a;
  a.w = w.data_ptr<float>();
  a.m = w.size(0);
  a.ld = w.size(1);
  a.b0 = step.b0;
  a.count = step.count;
  a.c0 = step.c0;
  a.c1 = step.c1;
  a.scale = scale.data_ptr<float>();
  a.bias = bias.data_ptr<float>();
  a.u = u.data_ptr<float>();
  a.v = step.v;
  a.centroids = step.centroids.data_ptr<float>();
  a.k = step.centroids.size(0);
  if (step.res_centroids.defined()) {
    a.res_centroids = step.res_centroids.data_ptr<float>();
    a.k_res = step.res_centroids.size(0);
    a.res_indices = step.res_indices.data_ptr<int32_t>();
  }
  a.indices = step.indices.data_ptr<int32_t>();
  a.index_ld = step.indices.size(1);
  a.index_first = step.index_first;
  a.q_all = q_all.data_ptr<float>();
  a.err = step.err.defined() ? step.err.data_ptr<float>() : nullptr;
  a.residual_out = step.residual_out.defined() ? step.residual_out.data_ptr<float>() : nullptr;
#if LOWBIT_WITH_CUDA
  if (w.is_cuda()) {
    const c10::cuda::CUDAGuard guard(w.device());
    a.score = kernels::kVptqScoreExpanded;  // the CUDA k-means assignment's score
    const cudaError_t st = kernels::vptq_block_cuda(a, c10::cuda::getCurrentCUDAStream(w.device().index()).stream());
    if (st != cudaSuccess) {
      throw Error(LB_ERR_CUDA, std::string("vptq_block CUDA kernel launch failed: ") + cudaGetErrorString(st));
    }
    return;
  }
#endif
  if (!w.is_cpu()) throw_unsupported("vptq fused column step: expected a CPU or CUDA tensor");
  a.score = kernels::kVptqScoreExact;  // the CPU k-means assignment's score
  kernels::vptq_block_cpu(a, at::get_num_threads());
}

}  // namespace lb::vptq
