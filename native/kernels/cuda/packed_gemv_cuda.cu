#include "kernels/cuda/packed_gemv_cuda.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <type_traits>

#include "kernels/cuda/packed_gemv_coop.cuh"
#include "kernels/cuda/packed_gemv_cuda.cuh"
#include "kernels/cuda/pdl_launch.cuh"

namespace lb::kernels {
using namespace packed_gemv;

namespace {

std::atomic<bool> gemv_enabled{true};
int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const long parsed = std::strtol(v, &end, 10);
  return (*end == '\0' && parsed > 0 && parsed <= 64) ? static_cast<int>(parsed) : fallback;
}

// Launch-plan knob and the 16-byte atomics: process-wide so that timing sweeps and whole-model runs can A/B
// them (LOWBIT_GEMV_MIN_RUN_STAGES=N, LOWBIT_GEMV_VEC_ATOMICS=0).
std::atomic<int> gemv_min_run_stages{env_int("LOWBIT_GEMV_MIN_RUN_STAGES", 1)};
bool env_vec_atomics() {
  const char* v = std::getenv("LOWBIT_GEMV_VEC_ATOMICS");
  return v == nullptr || std::strcmp(v, "0") != 0;
}
std::atomic<bool> gemv_vec_atomics{env_vec_atomics()};

// The fused-input launches (the decode step's) take the block-cooperative kernel (packed_gemv_coop.cuh) unless
// LOWBIT_GEMV_COOP=0.
bool env_coop() {
  const char* v = std::getenv("LOWBIT_GEMV_COOP");
  return v == nullptr || std::strcmp(v, "0") != 0;
}
std::atomic<bool> gemv_coop{env_coop()};
// ... with runs of whole stages (plan_coop's align_stages) where LOWBIT_GEMV_COOP_ALIGN=1
std::atomic<bool> gemv_coop_align{[] {
  const char* v = std::getenv("LOWBIT_GEMV_COOP_ALIGN");
  return v != nullptr && std::strcmp(v, "1") == 0;
}()};

// The share of the device's resident warps a launch plans for, in percent (LOWBIT_GEMV_RESIDENT_PERCENT, 1..1000;
// default 100). Below 100 the GEMV leaves room on every SM for the next kernel of a PDL chain, whose blocks can
// then start (and issue their weight loads) before this one drains. Above 100 the grid is more than one wave of
// shorter runs, and the hardware hands the later blocks to the SMs that finish first (against the one-wave plan's
// tail; on the H100 no faster at int2 m = 1, mixed elsewhere: docs/BENCHMARKS.md, kernels, fourteenth round).
constexpr int kMaxResidentPercent = 1000;
std::atomic<int> gemv_resident_percent{[] {
  const char* v = std::getenv("LOWBIT_GEMV_RESIDENT_PERCENT");
  if (v == nullptr || *v == '\0') return 100;
  char* end = nullptr;
  const long parsed = std::strtol(v, &end, 10);
  return (*end == '\0' && parsed >= 1 && parsed <= kMaxResidentPercent) ? static_cast<int>(parsed) : 100;
}()};

// The group fold of the m = 1 GEMV on pre-quantized x (packed_gemv_cuda.cuh, FOLD): off unless LOWBIT_GEMV_FOLD=1
// (not yet timed on a device; docs/GPU.md).
bool env_fold() {
  const char* v = std::getenv("LOWBIT_GEMV_FOLD");
  return v != nullptr && std::strcmp(v, "1") == 0;
}
std::atomic<bool> gemv_fold{env_fold()};

template <int B, int MR, bool S16, int XOP, bool PREQ = false, bool FOLD = false>
cudaError_t launch(const PackedLinearCudaArgs& a, const GemvInputOps& ops, int sms, cudaStream_t stream,
                   const uint4* xq = nullptr) {
  static const int per_sm = [] {
    int blocks = 0;
    if (cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, packed_gemv_kernel<B, MR, S16, XOP, PREQ, FOLD>, kThreads, 0) !=
        cudaSuccess) {
      cudaGetLastError();
      blocks = 0;
    }
    return blocks > 0 ? blocks : gemv_min_blocks<B, MR, PREQ, FOLD>();
  }();
  const int64_t resident = static_cast<int64_t>(sms) * per_sm * kWarps *
                           gemv_resident_percent.load(std::memory_order_relaxed) / 100;
  const GemvPlan plan = plan_for(B, a.m, a.in, a.out, resident > 0 ? resident : 1,
                                 gemv_min_run_stages.load(std::memory_order_relaxed));
  if (plan.blocks == 0) return cudaSuccess;
  const int64_t blocks = grid_blocks(plan, a.in, a.out);
  if (blocks > 0x7FFFFFFF) return cudaErrorInvalidValue;
  const bool vec = gemv_vec_atomics.load(std::memory_order_relaxed) && reinterpret_cast<uintptr_t>(a.y) % 16 == 0;
  return launch_pdl(packed_gemv_kernel<B, MR, S16, XOP, PREQ, FOLD>, dim3(static_cast<unsigned>(blocks)), dim3(kThreads),
                    0, stream, a, plan.per_warp, vec, ops, xq);
}

// The PREQ path: quantize_x_kernel (x into the workspace, y zeroed), then the GEMV on the quantized x.
template <int B, int MR>
cudaError_t launch_preq(const PackedLinearCudaArgs& a, uint4* xq, int sms, cudaStream_t stream) {
  const int64_t items = a.in / kKBlockRows * MR;
  const int64_t zero_blocks = (a.m * a.out + kThreads * 4 - 1) / (kThreads * 4);
  int64_t blocks = std::max((items + kWarps - 1) / kWarps, zero_blocks);
  blocks = std::min<int64_t>(std::max<int64_t>(blocks, 1), 1024);
  quantize_x_kernel<B, MR><<<static_cast<unsigned>(blocks), kThreads, 0, stream>>>(a, xq);
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess) return e;
  if constexpr (MR == 1) {
    if (gemv_fold.load(std::memory_order_relaxed)) {
      return a.scales_dtype == kPackedF32
                 ? launch<B, 1, false, kGemvInputPlain, true, true>(a, GemvInputOps{}, sms, stream, xq)
                 : launch<B, 1, true, kGemvInputPlain, true, true>(a, GemvInputOps{}, sms, stream, xq);
    }
  }
  return a.scales_dtype == kPackedF32 ? launch<B, MR, false, kGemvInputPlain, true>(a, GemvInputOps{}, sms, stream, xq)
                                      : launch<B, MR, true, kGemvInputPlain, true>(a, GemvInputOps{}, sms, stream, xq);
}

template <int B>
cudaError_t launch_preq_rows(const PackedLinearCudaArgs& a, uint4* xq, int sms, cudaStream_t stream) {
  switch (rows_for(a.m)) {
    case 1: return launch_preq<B, 1>(a, xq, sms, stream);
    case 2: return launch_preq<B, 2>(a, xq, sms, stream);
    default: return launch_preq<B, 4>(a, xq, sms, stream);
  }
}

template <int B, int MR, int XOP>
cudaError_t launch_scales(const PackedLinearCudaArgs& a, const GemvInputOps& ops, int sms, cudaStream_t stream) {
  return a.scales_dtype == kPackedF32 ? launch<B, MR, false, XOP>(a, ops, sms, stream)
                                      : launch<B, MR, true, XOP>(a, ops, sms, stream);
}

template <int B, bool S16, int XOP>
cudaError_t launch_coop(const PackedLinearCudaArgs& a, const GemvInputOps& ops, int sms, cudaStream_t stream) {
  static const int per_sm = [] {
    int blocks = 0;
    if (cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, packed_gemv_coop_kernel<B, S16, XOP>, kThreads, 0) !=
        cudaSuccess) {
      cudaGetLastError();
      blocks = 0;
    }
    return blocks > 0 ? blocks : min_blocks<1>();
  }();
  const CoopPlan plan = plan_coop(B, a.in, a.out, static_cast<int64_t>(sms) * per_sm,
                                  gemv_coop_align.load(std::memory_order_relaxed));
  if (plan.blocks == 0) return cudaSuccess;
  if (plan.blocks > 0x7FFFFFFF) return cudaErrorInvalidValue;
  const bool vec = gemv_vec_atomics.load(std::memory_order_relaxed) && reinterpret_cast<uintptr_t>(a.y) % 16 == 0;
  return launch_pdl(packed_gemv_coop_kernel<B, S16, XOP>, dim3(static_cast<unsigned>(plan.blocks)), dim3(kThreads), 0,
                    stream, a, plan.per_block, vec, ops);
}

template <int B, int XOP>
cudaError_t launch_fused(const PackedLinearCudaArgs& a, const GemvInputOps& ops, int sms, cudaStream_t stream) {
  if (!gemv_coop.load(std::memory_order_relaxed)) return launch_scales<B, 1, XOP>(a, ops, sms, stream);
  return a.scales_dtype == kPackedF32 ? launch_coop<B, false, XOP>(a, ops, sms, stream)
                                      : launch_coop<B, true, XOP>(a, ops, sms, stream);
}

template <int B>
cudaError_t launch_rows(const PackedLinearCudaArgs& a, const GemvInputOps& ops, int sms, cudaStream_t stream) {
  if (ops.op == kGemvInputNormWeight) return launch_fused<B, kGemvInputNormWeight>(a, ops, sms, stream);  // m = 1
  if (ops.op == kGemvInputSiluMul) return launch_fused<B, kGemvInputSiluMul>(a, ops, sms, stream);
  switch (rows_for(a.m)) {
    case 1: return launch_scales<B, 1, kGemvInputPlain>(a, ops, sms, stream);
    case 2: return launch_scales<B, 2, kGemvInputPlain>(a, ops, sms, stream);
    default: return launch_scales<B, 4, kGemvInputPlain>(a, ops, sms, stream);
  }
}

int device_sms() {
  int device = 0;
  int sms = 0;
  if (cudaGetDevice(&device) != cudaSuccess ||
      cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device) != cudaSuccess || sms <= 0) {
    sms = 132;
  }
  return sms;
}

// The launch for valid arguments (y is not touched first: the warps add their partial sums to it).
cudaError_t launch_any(const PackedLinearCudaArgs& a, const GemvInputOps& ops, cudaStream_t stream);

}  // namespace

bool packed_gemv_cuda_applies(const PackedLinearCudaArgs& a) {
  return gemv_enabled.load(std::memory_order_relaxed) && (a.bits == 2 || a.bits == 3 || a.bits == 4) &&
         applies(a);
}

cudaError_t packed_gemv_cuda(const PackedLinearCudaArgs& a, cudaStream_t stream, PackedLinearCudaWorkspace ws) {
  if (!packed_gemv_cuda_applies(a)) return cudaErrorInvalidValue;
  if (a.out == 0) return cudaSuccess;
  if (packed_gemv_cuda_uses_workspace(a, ws)) {
    const int sms = device_sms();
    uint4* xq = static_cast<uint4*>(ws.data);
    return a.bits == 4   ? launch_preq_rows<4>(a, xq, sms, stream)
           : a.bits == 3 ? launch_preq_rows<3>(a, xq, sms, stream)
                         : launch_preq_rows<2>(a, xq, sms, stream);
  }
  cudaError_t e = zero_f32_before_pdl(a.y, a.m * a.out, stream);
  if (e != cudaSuccess) return e;
  return launch_any(a, GemvInputOps{}, stream);
}

int64_t packed_gemv_cuda_workspace_bytes(int64_t m, int64_t in) { return xq_bytes(m, in); }

bool packed_gemv_cuda_uses_workspace(const PackedLinearCudaArgs& a, PackedLinearCudaWorkspace ws) {
  const int64_t need = xq_bytes(a.m, a.in);
  return packed_gemv_cuda_applies(a) && need > 0 && ws.data != nullptr && ws.bytes >= need &&
         reinterpret_cast<uintptr_t>(ws.data) % 16 == 0;
}

bool packed_gemv_cuda_accumulate_applies(const PackedLinearCudaArgs& a) {
  const auto known = [](int dtype) { return dtype == kPackedF32 || dtype == kPackedF16 || dtype == kPackedBF16; };
  return (a.bits == 2 || a.bits == 3 || a.bits == 4) && applies(a) && a.y_out == nullptr && known(a.x_dtype) &&
         known(a.scales_dtype);
}

cudaError_t packed_gemv_cuda_accumulate(const PackedLinearCudaArgs& a, cudaStream_t stream) {
  return packed_gemv_cuda_accumulate_fused(a, GemvInputOps{}, stream);
}

bool packed_gemv_cuda_accumulate_fused_applies(const PackedLinearCudaArgs& a, const GemvInputOps& ops) {
  return packed_gemv_cuda_accumulate_applies(a) && input_ops_valid(a, ops);
}

cudaError_t packed_gemv_cuda_accumulate_fused(const PackedLinearCudaArgs& a, const GemvInputOps& ops,
                                              cudaStream_t stream) {
  if (!packed_gemv_cuda_accumulate_fused_applies(a, ops)) return cudaErrorInvalidValue;
  if (a.out == 0) {
    return ops.zero_count > 0 ? cudaMemsetAsync(ops.zero, 0, static_cast<size_t>(ops.zero_count) * sizeof(float), stream)
                              : cudaSuccess;
  }
  return launch_any(a, ops, stream);
}

bool packed_gemv_cuda_accumulate_prepared_applies(const PackedLinearCudaArgs& a, const void* xq) {
  return packed_gemv_cuda_accumulate_applies(a) && a.m == 1 && xq != nullptr &&
         reinterpret_cast<uintptr_t>(xq) % 16 == 0;
}

cudaError_t packed_gemv_cuda_accumulate_prepared(const PackedLinearCudaArgs& a, const void* xq, cudaStream_t stream) {
  if (!packed_gemv_cuda_accumulate_prepared_applies(a, xq)) return cudaErrorInvalidValue;
  if (a.out == 0) return cudaSuccess;
  const int sms = device_sms();
  const uint4* q = static_cast<const uint4*>(xq);
  // the PREQ instances of packed_gemv_cuda (m = 1): no second copy of the kernel
  const auto run = [&](auto bits_tag) {
    constexpr int B = decltype(bits_tag)::value;
    return a.scales_dtype == kPackedF32 ? launch<B, 1, false, kGemvInputPlain, true>(a, GemvInputOps{}, sms, stream, q)
                                        : launch<B, 1, true, kGemvInputPlain, true>(a, GemvInputOps{}, sms, stream, q);
  };
  return a.bits == 4   ? run(std::integral_constant<int, 4>{})
         : a.bits == 3 ? run(std::integral_constant<int, 3>{})
                       : run(std::integral_constant<int, 2>{});
}

namespace {

cudaError_t launch_any(const PackedLinearCudaArgs& a, const GemvInputOps& ops, cudaStream_t stream) {
  const int sms = device_sms();
  return a.bits == 4   ? launch_rows<4>(a, ops, sms, stream)
         : a.bits == 3 ? launch_rows<3>(a, ops, sms, stream)
                       : launch_rows<2>(a, ops, sms, stream);
}

}  // namespace

const char* packed_gemv_cuda_kernel_name(const PackedLinearCudaArgs& a) {
  if (!packed_gemv_cuda_applies(a)) return nullptr;
  switch (rows_for(a.m)) {
    case 1: return "gemv_dp4a_r1";
    case 2: return "gemv_dp4a_r2";
    default: return "gemv_dp4a_r4";
  }
}

void packed_gemv_cuda_set_enabled(bool enabled) { gemv_enabled.store(enabled, std::memory_order_relaxed); }

void packed_gemv_cuda_set_min_run_stages(int stages) {
  gemv_min_run_stages.store(stages > 0 ? stages : env_int("LOWBIT_GEMV_MIN_RUN_STAGES", 1), std::memory_order_relaxed);
}

void packed_gemv_cuda_set_resident_percent(int percent) {
  gemv_resident_percent.store(percent >= 1 && percent <= kMaxResidentPercent ? percent : 100, std::memory_order_relaxed);
}

bool packed_gemv_cuda_vector_atomics_on() { return gemv_vec_atomics.load(std::memory_order_relaxed); }

void packed_gemv_cuda_set_vector_atomics(int enabled) {
  gemv_vec_atomics.store(enabled < 0 ? env_vec_atomics() : enabled != 0, std::memory_order_relaxed);
}

void packed_gemv_cuda_set_fold(int enabled) {
  gemv_fold.store(enabled < 0 ? env_fold() : enabled != 0, std::memory_order_relaxed);
}

void packed_gemv_cuda_set_coop(int enabled) {
  gemv_coop.store(enabled < 0 ? env_coop() : enabled != 0, std::memory_order_relaxed);
}

}  // namespace lb::kernels
