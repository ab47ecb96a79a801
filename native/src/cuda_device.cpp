#include "src/cuda_device.h"

#include "src/error.h"

#if LOWBIT_WITH_CUDA
#include <cuda_runtime_api.h>
#endif

namespace lb::cuda {

#if LOWBIT_WITH_CUDA

bool built() { return true; }

int device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no device / no driver" error
    return 0;
  }
  return count;
}

std::string device_name(int index) {
  cudaDeviceProp properties{};
  const cudaError_t status = cudaGetDeviceProperties(&properties, index);
  if (status != cudaSuccess) {
    cudaGetLastError();
    throw Error(LB_ERR_CUDA, std::string("cudaGetDeviceProperties failed: ") + cudaGetErrorString(status));
  }
  return properties.name;
}

void synchronize(int index) {
  int previous = 0;
  cudaGetDevice(&previous);
  cudaError_t status = cudaSetDevice(index);
  if (status == cudaSuccess) status = cudaDeviceSynchronize();
  cudaSetDevice(previous);
  if (status != cudaSuccess) {
    cudaGetLastError();
    throw Error(LB_ERR_CUDA, std::string("cudaDeviceSynchronize failed: ") + cudaGetErrorString(status));
  }
}

#else

bool built() { return false; }

int device_count() { return 0; }

std::string device_name(int) {
  throw_unsupported("liblowbit was built without CUDA");
}

void synchronize(int) {
  throw_unsupported("liblowbit was built without CUDA");
}

#endif

}  // namespace lb::cuda
