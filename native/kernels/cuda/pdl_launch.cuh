// Kernel launches with programmatic dependent launch (PDL, sm_90): the launched grid may start while the
// kernel before it in the stream finishes, so its launch latency and its first independent loads (weights)
// overlap that kernel's tail. The kernel must follow pdl_wait()'s rule (cuda_shared.cuh). Captured into a CUDA
// graph this becomes a programmatic edge. Host side only: include from .cu files.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <utility>

namespace lb::kernels {

// Whether launch_pdl asks for the overlap on the current device: compute capability 9.0 or newer, not switched
// off by LOWBIT_PDL=0 or set_pdl_enabled(0).
bool pdl_enabled();

// Process-wide A/B switch: 1 on, 0 off, < 0 the default (on unless LOWBIT_PDL=0).
void set_pdl_enabled(int enabled);

// Zeroes count floats at y with a kernel (a memset when PDL is off), for a kernel that adds into y and is then
// launched with launch_pdl: that launch may start at once, overlap the zeroing with its weight loads, and must
// pdl_wait() before it touches y. A memset in between would end the overlap: PDL relaxes only kernel-to-kernel
// edges.
cudaError_t zero_f32_before_pdl(float* y, int64_t count, cudaStream_t stream);

// Whether the current device is sm_90 or newer (PDL, thread-block clusters).
bool device_sm90();

// launch_pdl with thread-block clusters of `cluster` blocks (1 x 1 x 1: none). The grid must be a multiple of it and
// the device sm_90 or newer.
template <class... Params, class... Args>
cudaError_t launch_pdl_cluster(void (*kernel)(Params...), dim3 grid, dim3 block, dim3 cluster, size_t shared_bytes,
                               cudaStream_t stream, Args&&... args) {
  cudaLaunchAttribute attribute[2];
  unsigned count = 0;
  if (pdl_enabled()) {
    attribute[count].id = cudaLaunchAttributeProgrammaticStreamSerialization;
    attribute[count].val.programmaticStreamSerializationAllowed = 1;
    ++count;
  }
  if (cluster.x * cluster.y * cluster.z > 1) {
    attribute[count].id = cudaLaunchAttributeClusterDimension;
    attribute[count].val.clusterDim.x = cluster.x;
    attribute[count].val.clusterDim.y = cluster.y;
    attribute[count].val.clusterDim.z = cluster.z;
    ++count;
  }
  cudaLaunchConfig_t config{};
  config.gridDim = grid;
  config.blockDim = block;
  config.dynamicSmemBytes = shared_bytes;
  config.stream = stream;
  config.attrs = count > 0 ? attribute : nullptr;
  config.numAttrs = count;
  const cudaError_t e = cudaLaunchKernelEx(&config, kernel, std::forward<Args>(args)...);
  return e != cudaSuccess ? e : cudaGetLastError();
}

template <class... Params, class... Args>
cudaError_t launch_pdl(void (*kernel)(Params...), dim3 grid, dim3 block, size_t shared_bytes, cudaStream_t stream,
                       Args&&... args) {
  return launch_pdl_cluster(kernel, grid, block, dim3(1, 1, 1), shared_bytes, stream, std::forward<Args>(args)...);
}

}  // namespace lb::kernels
