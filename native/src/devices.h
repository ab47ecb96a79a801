// LB_DEVICE_* (type, index) <-> c10::Device, with the checks that make a bad request a clear error.
#pragma once

#include <c10/core/Device.h>

#include <cstdint>

namespace lb {

// CPU accepts index 0 or -1. CUDA needs a CUDA build (else LB_ERR_UNSUPPORTED), a visible device
// (else LB_ERR_CUDA) and 0 <= index < device count (else LB_ERR_INVALID_ARGUMENT).
c10::Device device_from_codes(int32_t device_type, int32_t device_index);
// CPU reports index 0.
void device_to_codes(const c10::Device& device, int32_t* device_type, int32_t* device_index);

}  // namespace lb
