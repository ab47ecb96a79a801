#include "kernels/cuda/pdl_launch.cuh"

#include "kernels/cuda/cuda_shared.cuh"

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace lb::kernels {
namespace {

constexpr int kMaxDevices = 64;

bool env_pdl() {
  const char* v = std::getenv("LOWBIT_PDL");
  return v == nullptr || std::strcmp(v, "0") != 0;
}

std::atomic<bool> pdl_switch{env_pdl()};
// per device: 0 unknown, 1 sm_90 or newer, 2 older
std::atomic<int> device_capable[kMaxDevices];

bool device_is_sm90() {
  int device = 0;
  if (cudaGetDevice(&device) != cudaSuccess) {
    cudaGetLastError();
    return false;
  }
  if (device < 0 || device >= kMaxDevices) return false;
  int known = device_capable[device].load(std::memory_order_relaxed);
  if (known == 0) {
    int major = 0;
    if (cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device) != cudaSuccess) {
      cudaGetLastError();
      major = 0;
    }
    known = major >= 9 ? 1 : 2;
    device_capable[device].store(known, std::memory_order_relaxed);
  }
  return known == 1;
}

}  // namespace

bool device_sm90() { return device_is_sm90(); }

bool pdl_enabled() { return pdl_switch.load(std::memory_order_relaxed) && device_is_sm90(); }

void set_pdl_enabled(int enabled) {
  pdl_switch.store(enabled < 0 ? env_pdl() : enabled != 0, std::memory_order_relaxed);
}

namespace {

__global__ void zero_f32_before_pdl_kernel(float* y, int64_t count) {
  pdl_launch_dependents();  // the next kernel may start now; its pdl_wait() still waits for these stores
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    y[i] = 0.0f;
  }
}

}  // namespace

cudaError_t zero_f32_before_pdl(float* y, int64_t count, cudaStream_t stream) {
  if (count <= 0) return cudaSuccess;
  if (!pdl_enabled()) return cudaMemsetAsync(y, 0, static_cast<size_t>(count) * sizeof(float), stream);
  constexpr int kThreads = 256;
  const int64_t blocks = (count + kThreads - 1) / kThreads;
  zero_f32_before_pdl_kernel<<<static_cast<unsigned>(blocks < 1024 ? blocks : 1024), kThreads, 0, stream>>>(y, count);
  return cudaGetLastError();
}

}  // namespace lb::kernels
