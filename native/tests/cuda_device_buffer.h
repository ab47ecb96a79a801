// Device memory for the torch-free CUDA tests: a CUDA status checked as a test failure, and a buffer freed at scope
// end. Header-only so the tests link against the kernel objects alone.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <string>
#include <vector>

#include "check.h"

namespace cuda_test {

inline bool ok(cudaError_t e, const std::string& what) {
  if (e == cudaSuccess) return true;
  check::fail(__FILE__, __LINE__, what + ": " + cudaGetErrorString(e));
  return false;
}

// `bytes` of device memory (16 when bytes is 0, so that every buffer has an address), filled from `host` if given
struct DeviceBuffer {
  void* p = nullptr;
  explicit DeviceBuffer(size_t bytes, const void* host = nullptr) {
    if (ok(cudaMalloc(&p, bytes > 0 ? bytes : 16), "cudaMalloc") && host != nullptr && bytes > 0) {
      ok(cudaMemcpy(p, host, bytes, cudaMemcpyHostToDevice), "cudaMemcpy");
    }
  }
  ~DeviceBuffer() { cudaFree(p); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  template <class T>
  std::vector<T> read(size_t count) const {
    std::vector<T> host(count);
    ok(cudaMemcpy(host.data(), p, count * sizeof(T), cudaMemcpyDeviceToHost), "cudaMemcpy back");
    return host;
  }
};

}  // namespace cuda_test
