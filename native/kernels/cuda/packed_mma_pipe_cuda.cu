#include "kernels/cuda/packed_mma_pipe_cuda.h"

#include "kernels/cuda/packed_mma_pipe_cuda.cuh"
#include "kernels/cuda/pdl_launch.cuh"

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

// Resident blocks per SM of an instance, after raising its shared-memory limit: once per instance (a
// thread-safe static).
struct Prepared {
  cudaError_t status;
  int blocks_per_sm;
};

template <int B, int OP, int MB>
Prepared prepare() {
  static const Prepared prepared = [] {
    constexpr int kSmem = smem_bytes<B, MB>();
    Prepared p{cudaSuccess, 0};
    p.status = cudaFuncSetAttribute(packed_mma_pipe_kernel<B, OP, MB>, cudaFuncAttributeMaxDynamicSharedMemorySize, kSmem);
    if (p.status == cudaSuccess) {
      p.status = cudaFuncSetAttribute(packed_mma_pipe_kernel<B, OP, MB>, cudaFuncAttributePreferredSharedMemoryCarveout,
                                      100);
    }
    if (p.status == cudaSuccess) {
      p.status =
          cudaOccupancyMaxActiveBlocksPerMultiprocessor(&p.blocks_per_sm, packed_mma_pipe_kernel<B, OP, MB>, kThreads, kSmem);
    }
    if (p.status == cudaSuccess && p.blocks_per_sm < 1) p.status = cudaErrorInvalidConfiguration;
    return p;
  }();
  return prepared;
}

template <int B, int OP, int MB>
cudaError_t launch(const PackedLinearCudaArgs& a, cudaStream_t stream) {
  const Prepared prepared = prepare<B, OP, MB>();
  if (prepared.status != cudaSuccess) return prepared.status;
  cudaError_t e = cudaSuccess;
  PipePlan plan = pipe_plan_for(a.bits, a.m, a.in, a.out, a.group_size, a.x_dtype, sm_count(), prepared.blocks_per_sm);
  if (!plan.takes || plan.mb != MB) return cudaErrorInvalidValue;
  if (const int forced = forced_splits(); forced > 0) split_plan(plan, forced, Shape<B>::R, Pipe<B>::KSt, a.in);
  if (plan.splits > 1) {
    e = zero_f32_before_pdl(a.y, a.m * a.out, stream);
    if (e != cudaSuccess) return e;
  }
  const dim3 grid(static_cast<unsigned>(plan.mtiles), static_cast<unsigned>(plan.col_blocks),
                  static_cast<unsigned>(plan.splits));
  return launch_pdl(packed_mma_pipe_kernel<B, OP, MB>, grid, dim3(kThreads), smem_bytes<B, MB>(), stream, a,
                    plan.ksteps_per_split, plan.splits > 1);
}

template <int B, int OP>
cudaError_t launch_mb(const PackedLinearCudaArgs& a, int mb, cudaStream_t stream) {
  if (mb == 1) return launch<B, OP, 1>(a, stream);
  if constexpr (max_mb(B) >= 2) {
    if (mb == 2) return launch<B, OP, 2>(a, stream);
  }
  if constexpr (max_mb(B) >= 4) {
    if (mb == 4) return launch<B, OP, 4>(a, stream);
  }
  return cudaErrorInvalidValue;
}

template <int B>
cudaError_t launch_op(const PackedLinearCudaArgs& a, const PipePlan& plan, cudaStream_t stream) {
  return plan.op == kOpF16 ? launch_mb<B, kOpF16>(a, plan.mb, stream) : launch_mb<B, kOpBF16>(a, plan.mb, stream);
}

}  // namespace

void packed_mma_pipe_cuda_enable(bool on) { enabled().store(on ? kOn : kOff); }

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

cudaError_t packed_mma_pipe_cuda(const PackedLinearCudaArgs& a, cudaStream_t stream) {
  const PipePlan plan = pipe_plan_for(a.bits, a.m, a.in, a.out, a.group_size, a.x_dtype, 132, 1);
  if (!plan.takes) return cudaErrorInvalidValue;
  return a.bits == 4   ? launch_op<4>(a, plan, stream)
         : a.bits == 3 ? launch_op<3>(a, plan, stream)
                       : launch_op<2>(a, plan, stream);
}

}  // namespace lb::kernels
