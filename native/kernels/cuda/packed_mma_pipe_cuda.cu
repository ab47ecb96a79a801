#include "kernels/cuda/packed_mma_pipe_cuda.h"

#include "kernels/cuda/packed_mma_pipe_cuda.cuh"
#include "kernels/cuda/pdl_launch.cuh"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>

namespace lb::kernels {
using namespace packed_mma_pipe;

namespace {

constexpr int kOff = 0, kOn = 1, kWhereFaster = 2;

// LOWBIT_PACKED_MMA_PIPE: "1" every call it can take, "0" never; unset: where the H200 A/B of 2026-12-02
// (docs/BENCHMARKS.md, kernels sixth round, `kernel_timing --mma`) found it faster than the previous mma kernel:
// 4 and 2 bits at every m, 3 bits up to m = 16 (at m = 64 it was 0.85-0.96x for 3 bits).
std::atomic<int>& enabled() {
  static std::atomic<int> on{[] {
    const char* v = std::getenv("LOWBIT_PACKED_MMA_PIPE");
    if (v != nullptr && std::strcmp(v, "1") == 0) return kOn;
    if (v != nullptr && std::strcmp(v, "0") == 0) return kOff;
    return kWhereFaster;
  }()};
  return on;
}

bool faster_here(int bits, int64_t m) { return bits != 3 || m <= 16; }

int sm_count() {
  int device = 0;
  int sms = 0;
  if (cudaGetDevice(&device) != cudaSuccess ||
      cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device) != cudaSuccess) {
    sms = 132;
  }
  return sms;
}

// LOWBIT_MMA_PIPE_SPLITS=N: N split-k parts instead of the plan's (a sweep knob for kernel_timing, not a setting).
int forced_splits() {
  static const int n = [] {
    const char* v = std::getenv("LOWBIT_MMA_PIPE_SPLITS");
    return v != nullptr ? std::atoi(v) : 0;
  }();
  return n;
}

void split_plan(PipePlan& plan, int splits, int unit_rows, int ksteps_per_stage, int64_t in) {
  const int64_t ksteps = (in / unit_rows + 3) / 4;
  int64_t per = (ksteps + splits - 1) / splits;
  if (per % ksteps_per_stage != 0) per += ksteps_per_stage - per % ksteps_per_stage;
  plan.ksteps_per_split = per;
  plan.splits = static_cast<int>((ksteps + per - 1) / per);
  plan.blocks = plan.col_blocks * plan.mtiles * plan.splits;
}

// LOWBIT_MMA_PIPE_VEC_OUT=1: split-k sums added to y with 16-byte atomics (sm_90, y 16-byte aligned) instead of
// scalar ones; an A/B knob (packed_mma_pipe_cuda_set_vec_out).
std::atomic<bool>& vec_out() {
  static std::atomic<bool> on{[] {
    const char* v = std::getenv("LOWBIT_MMA_PIPE_VEC_OUT");
    return v != nullptr && std::strcmp(v, "1") == 0;
  }()};
  return on;
}

// Weight copies row by row (coalesced_slot in packed_mma_pipe_cuda.cuh) unless LOWBIT_MMA_PIPE_COALESCED=0 (the
// fragment's lane order; an A/B knob, packed_mma_pipe_cuda_set_coalesced). H100, 2026-12-05: int4 g128 m = 16 at
// 28672 x 8192 77.4 -> 59.5 us, faster at every shape timed (docs/BENCHMARKS.md, kernels, twelfth round).
std::atomic<bool>& coalesced() {
  static std::atomic<bool> on{[] {
    const char* v = std::getenv("LOWBIT_MMA_PIPE_COALESCED");
    return v == nullptr || std::strcmp(v, "0") != 0;
  }()};
  return on;
}

// Resident blocks per SM of an instance, after raising its shared-memory limit: once per instance (a
// thread-safe static).
struct Prepared {
  cudaError_t status;
  int blocks_per_sm;
};

template <int B, int OP, int MB, bool XP>
Prepared prepare() {
  static const Prepared prepared = [] {
    constexpr int kSmem = smem_bytes<B, MB>();
    constexpr auto kernel = packed_mma_pipe_kernel<B, OP, MB, XP>;
    Prepared p{cudaSuccess, 0};
    p.status = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmem);
    if (p.status == cudaSuccess) {
      p.status = cudaFuncSetAttribute(kernel, cudaFuncAttributePreferredSharedMemoryCarveout, 100);
    }
    if (p.status == cudaSuccess) {
      p.status = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&p.blocks_per_sm, kernel, kThreads, kSmem);
    }
    if (p.status == cudaSuccess && p.blocks_per_sm < 1) p.status = cudaErrorInvalidConfiguration;
    return p;
  }();
  return prepared;
}

// xp: x laid out as A fragments (the workspace), or NULL: the kernel builds them from raw x.
template <int B, int OP, int MB, bool XP>
cudaError_t launch(const PackedLinearCudaArgs& a, uint4* xp, cudaStream_t stream) {
  const Prepared prepared = prepare<B, OP, MB, XP>();
  if (prepared.status != cudaSuccess) return prepared.status;
  cudaError_t e = cudaSuccess;
  PipePlan plan = pipe_plan_for(a.bits, a.m, a.in, a.out, a.group_size, a.x_dtype, sm_count(), prepared.blocks_per_sm);
  if (!plan.takes || plan.mb != MB) return cudaErrorInvalidValue;
  if (const int forced = forced_splits(); forced > 0) split_plan(plan, forced, Shape<B>::R, Pipe<B>::KSt, a.in);
  if constexpr (XP) {  // one small kernel lays out x (and zeroes y for split-k)
    const int64_t total = xp_bytes(B, a.m, a.in) / 16;
    const int64_t blocks = std::min<int64_t>(1024, std::max<int64_t>(1, (std::max(total, a.m * a.out) + kThreads - 1) / kThreads));
    permute_x_kernel<B><<<static_cast<unsigned>(blocks), kThreads, 0, stream>>>(a, xp, plan.splits > 1);
    e = cudaGetLastError();
    if (e != cudaSuccess) return e;
  } else if (plan.splits > 1) {
    e = zero_f32_before_pdl(a.y, a.m * a.out, stream);
    if (e != cudaSuccess) return e;
  }
  const dim3 grid(static_cast<unsigned>(plan.mtiles), static_cast<unsigned>(plan.col_blocks),
                  static_cast<unsigned>(plan.splits));
  const int out_mode = plan.splits <= 1 ? kOutStore
                       : vec_out().load(std::memory_order_relaxed) && reinterpret_cast<uintptr_t>(a.y) % 16 == 0
                           ? kOutVecAtomic
                           : kOutAtomic;
  return launch_pdl(packed_mma_pipe_kernel<B, OP, MB, XP>, grid, dim3(kThreads), smem_bytes<B, MB>(), stream, a,
                    plan.ksteps_per_split, out_mode, static_cast<const uint4*>(xp),
                    coalesced().load(std::memory_order_relaxed));
}

template <int B, int OP, int MB>
cudaError_t launch_xp(const PackedLinearCudaArgs& a, uint4* xp, cudaStream_t stream) {
  return xp != nullptr ? launch<B, OP, MB, true>(a, xp, stream) : launch<B, OP, MB, false>(a, nullptr, stream);
}

template <int B, int OP>
cudaError_t launch_mb(const PackedLinearCudaArgs& a, int mb, uint4* xp, cudaStream_t stream) {
  if (mb == 1) return launch_xp<B, OP, 1>(a, xp, stream);
  if constexpr (max_mb(B) >= 2) {
    if (mb == 2) return launch_xp<B, OP, 2>(a, xp, stream);
  }
  if constexpr (max_mb(B) >= 4) {
    if (mb == 4) return launch_xp<B, OP, 4>(a, xp, stream);
  }
  return cudaErrorInvalidValue;
}

template <int B>
cudaError_t launch_op(const PackedLinearCudaArgs& a, const PipePlan& plan, uint4* xp, cudaStream_t stream) {
  return plan.op == kOpF16 ? launch_mb<B, kOpF16>(a, plan.mb, xp, stream)
                           : launch_mb<B, kOpBF16>(a, plan.mb, xp, stream);
}

}  // namespace

void packed_mma_pipe_cuda_enable(bool on) { enabled().store(on ? kOn : kOff); }

void packed_mma_pipe_cuda_set_vec_out(bool on) { vec_out().store(on, std::memory_order_relaxed); }

void packed_mma_pipe_cuda_set_coalesced(bool on) { coalesced().store(on, std::memory_order_relaxed); }

bool packed_mma_pipe_cuda_takes(const PackedLinearCudaArgs& a) {
  const int mode = enabled().load(std::memory_order_relaxed);
  if (a.m < packed_mma::kMinM || mode == kOff || (mode == kWhereFaster && !faster_here(a.bits, a.m))) return false;
  // 4-byte cp.async of scales: 16-bit scales need a 4-byte aligned base (x and qweight are 16-byte aligned
  // by contract, qzeros are int32)
  if ((reinterpret_cast<uintptr_t>(a.scales) & 3u) != 0 || (reinterpret_cast<uintptr_t>(a.x) & 15u) != 0 ||
      (reinterpret_cast<uintptr_t>(a.qweight) & 15u) != 0) {
    return false;
  }
  return pipe_plan_for(a.bits, a.m, a.in, a.out, a.group_size, a.x_dtype, 132, 1).takes;
}

int64_t packed_mma_pipe_cuda_workspace_bytes(int bits, int64_t m, int64_t in) { return xp_bytes(bits, m, in); }

bool packed_mma_pipe_cuda_uses_workspace(const PackedLinearCudaArgs& a, PackedLinearCudaWorkspace ws) {
  const int64_t need = xp_bytes(a.bits, a.m, a.in);
  return packed_mma_pipe_cuda_takes(a) && need > 0 && ws.data != nullptr && ws.bytes >= need &&
         reinterpret_cast<uintptr_t>(ws.data) % 16 == 0;
}

cudaError_t packed_mma_pipe_cuda(const PackedLinearCudaArgs& a, cudaStream_t stream, PackedLinearCudaWorkspace ws) {
  const PipePlan plan = pipe_plan_for(a.bits, a.m, a.in, a.out, a.group_size, a.x_dtype, 132, 1);
  if (!plan.takes) return cudaErrorInvalidValue;
  uint4* xp = packed_mma_pipe_cuda_uses_workspace(a, ws) ? static_cast<uint4*>(ws.data) : nullptr;
  return a.bits == 4   ? launch_op<4>(a, plan, xp, stream)
         : a.bits == 3 ? launch_op<3>(a, plan, xp, stream)
                       : launch_op<2>(a, plan, xp, stream);
}

}  // namespace lb::kernels
