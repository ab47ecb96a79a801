#include "src/devices.h"

#include <string>

#include "src/cuda_device.h"
#include "src/error.h"

namespace lb {

c10::Device device_from_codes(int32_t device_type, int32_t device_index) {
  if (device_type == LB_DEVICE_CPU) {
    if (device_index != 0 && device_index != -1) {
      throw_invalid("device_index=" + std::to_string(device_index) + " for LB_DEVICE_CPU (expected 0 or -1)");
    }
    return c10::Device(c10::DeviceType::CPU);
  }
  if (device_type == LB_DEVICE_CUDA) {
    if (!cuda::built()) {
      throw_unsupported("device_type=1 (LB_DEVICE_CUDA) requested, but liblowbit was built without CUDA "
                        "(expected LB_DEVICE_CPU=0, or a liblowbit built with nvcc and a CUDA libtorch)");
    }
    const int count = cuda::device_count();
    if (count == 0) {
      throw Error(LB_ERR_CUDA, "device_type=1 (LB_DEVICE_CUDA) requested, but no CUDA device is available");
    }
    if (device_index < 0 || device_index >= count) {
      throw_invalid("device_index=" + std::to_string(device_index) + " out of range (expected 0.." +
                    std::to_string(count - 1) + ", " + std::to_string(count) + " CUDA device(s) visible)");
    }
    return c10::Device(c10::DeviceType::CUDA, static_cast<c10::DeviceIndex>(device_index));
  }
  throw_invalid("device_type=" + std::to_string(device_type) +
                " is not a device code (expected LB_DEVICE_CPU=0 or LB_DEVICE_CUDA=1)");
}

void device_to_codes(const c10::Device& device, int32_t* device_type, int32_t* device_index) {
  if (device.is_cpu()) {
    *device_type = LB_DEVICE_CPU;
    *device_index = 0;
  } else if (device.is_cuda()) {
    *device_type = LB_DEVICE_CUDA;
    *device_index = device.has_index() ? device.index() : 0;
  } else {
    throw_unsupported(std::string("tensor device ") + c10::DeviceTypeName(device.type()) + " has no LB_DEVICE_* code");
  }
}

}  // namespace lb
