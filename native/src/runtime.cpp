#include "src/runtime.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <torch/version.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "src/cuda_device.h"
#include "src/error.h"

namespace lb {

void version(int32_t* major, int32_t* minor, int32_t* patch) {
  require_non_null(major, "major");
  require_non_null(minor, "minor");
  require_non_null(patch, "patch");
  *major = LB_VERSION_MAJOR;
  *minor = LB_VERSION_MINOR;
  *patch = LB_VERSION_PATCH;
}

void runtime_info(lb_runtime_info* info) {
  require_non_null(info, "info");
  if (info->struct_size < static_cast<int64_t>(sizeof(lb_runtime_info))) {
    throw_invalid("info->struct_size=" + std::to_string(info->struct_size) + " is too small (expected >= " +
                  std::to_string(sizeof(lb_runtime_info)) + ", sizeof(lb_runtime_info))");
  }
  std::memset(info->torch_version, 0, sizeof(info->torch_version));
  std::strncpy(info->torch_version, TORCH_VERSION, sizeof(info->torch_version) - 1);
  info->cuda_built = cuda::built() ? 1 : 0;
  info->cuda_device_count = cuda::device_count();
  info->cuda_available = info->cuda_device_count > 0 ? 1 : 0;
  info->num_threads = at::get_num_threads();
}

void cuda_device_name(int32_t index, char* buf, int64_t capacity) {
  require_non_null(buf, "buf");
  if (capacity < 1) throw_invalid("capacity=" + std::to_string(capacity) + " (expected >= 1)");
  if (!cuda::built()) throw_unsupported("liblowbit was built without CUDA (no CUDA device names)");
  const int count = cuda::device_count();
  if (count == 0) throw_invalid("index=" + std::to_string(index) + " out of range: no CUDA device is visible");
  if (index < 0 || index >= count) {
    throw_invalid("index=" + std::to_string(index) + " out of range (expected 0.." + std::to_string(count - 1) +
                  ", " + std::to_string(count) + " CUDA device(s) visible)");
  }
  const std::string name = cuda::device_name(index);
  const size_t length = std::min(name.size(), static_cast<size_t>(capacity - 1));
  std::memcpy(buf, name.data(), length);
  buf[length] = '\0';
}

void set_num_threads(int32_t threads) {
  if (threads < 1) throw_invalid("threads=" + std::to_string(threads) + " (expected >= 1)");
  at::set_num_threads(threads);
}

void manual_seed(uint64_t seed) { at::manual_seed(seed); }

}  // namespace lb

namespace lb {

void synchronize(int32_t device_type, int32_t device_index) {
  if (device_type == LB_DEVICE_CPU) return;
  if (device_type != LB_DEVICE_CUDA) {
    throw_invalid("device_type=" + std::to_string(device_type) + " (expected LB_DEVICE_CPU=0 or LB_DEVICE_CUDA=1)");
  }
  if (!cuda::built()) throw_unsupported("liblowbit was built without CUDA");
  const int count = cuda::device_count();
  if (device_index < 0 || device_index >= count) {
    throw_invalid("device_index=" + std::to_string(device_index) + " out of range (" + std::to_string(count) +
                  " CUDA devices visible)");
  }
  cuda::synchronize(device_index);
}

}  // namespace lb
