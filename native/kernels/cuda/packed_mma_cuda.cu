#include "kernels/cuda/packed_mma_cuda.h"

#include "kernels/cuda/packed_mma_cuda.cuh"
#include "kernels/cuda/packed_mma_pipe_cuda.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace lb::kernels {
using namespace packed_mma;

namespace {

std::atomic<int>& enabled() {
  static std::atomic<int> on{[] {
    const char* v = std::getenv("LOWBIT_PACKED_MMA");
    return v != nullptr && std::strcmp(v, "0") == 0 ? 0 : 1;
  }()};
  return on;
}

int sm_count() {
  int device = 0;
  int sms = 0;
  if (cudaGetDevice(&device) != cudaSuccess ||
      cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device) != cudaSuccess) {
    sms = 132;
  }
  return sms;
}

MmaPlan plan_of(const PackedLinearCudaArgs& a) {
  return mma_plan_for(a.bits, a.m, a.in, a.out, a.group_size, a.x_dtype, sm_count());
}

template <int B, int OP, int MB, bool FOLD>
cudaError_t launch(const PackedLinearCudaArgs& a, const MmaPlan& plan, cudaStream_t stream) {
  constexpr int kSmem = smem_bytes<B, OP, MB>();
  static_assert(kSmem <= 48 * 1024, "x chunk above the default shared-memory limit");
  const dim3 grid(static_cast<unsigned>((a.out + kBlockCols - 1) / kBlockCols), static_cast<unsigned>(plan.splits),
                  static_cast<unsigned>((a.m + 16 * MB - 1) / (16 * MB)));
  packed_mma_kernel<B, OP, MB, FOLD><<<grid, kThreads, kSmem, stream>>>(a, plan.ksteps_per_split, plan.splits > 1);
  return cudaGetLastError();
}

template <int B, int OP, bool FOLD>
cudaError_t launch_mb(const PackedLinearCudaArgs& a, const MmaPlan& plan, cudaStream_t stream) {
  return plan.mb == 1 ? launch<B, OP, 1, FOLD>(a, plan, stream) : launch<B, OP, 2, FOLD>(a, plan, stream);
}

template <int B, bool FOLD>
cudaError_t launch_op(const PackedLinearCudaArgs& a, const MmaPlan& plan, cudaStream_t stream) {
  switch (plan.op) {
    case kOpF16: return launch_mb<B, kOpF16, FOLD>(a, plan, stream);
    case kOpBF16: return launch_mb<B, kOpBF16, FOLD>(a, plan, stream);
    case kOpBF16Split: return launch_mb<B, kOpBF16Split, FOLD>(a, plan, stream);
    default: return cudaErrorInvalidValue;
  }
}

}  // namespace

void packed_mma_cuda_enable(bool on) { enabled().store(on ? 1 : 0); }

bool packed_mma_cuda_takes(const PackedLinearCudaArgs& a) {
  if (a.m < kMinM || enabled().load(std::memory_order_relaxed) == 0) return false;
  return mma_plan_for(a.bits, a.m, a.in, a.out, a.group_size, a.x_dtype, 132).takes;
}

cudaError_t packed_mma_cuda(const PackedLinearCudaArgs& a, cudaStream_t stream, PackedLinearCudaWorkspace ws) {
  if (packed_mma_pipe_cuda_takes(a)) return packed_mma_pipe_cuda(a, stream, ws);  // the pipelined kernel
  const MmaPlan plan = plan_of(a);
  if (!plan.takes) return cudaErrorInvalidValue;
  if (plan.splits > 1) {
    cudaError_t e = cudaMemsetAsync(a.y, 0, static_cast<size_t>(a.m * a.out) * sizeof(float), stream);
    if (e != cudaSuccess) return e;
  }
  if (plan.fold) {
    return a.bits == 4   ? launch_op<4, true>(a, plan, stream)
           : a.bits == 3 ? launch_op<3, true>(a, plan, stream)
                         : launch_op<2, true>(a, plan, stream);
  }
  // groups smaller than a k-step: bits 2 and 3 only (mma_plan_for declines bits 4)
  return a.bits == 3 ? launch_op<3, false>(a, plan, stream) : launch_op<2, false>(a, plan, stream);
}

}  // namespace lb::kernels
