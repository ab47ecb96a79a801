// Torch-free CUDA runtime queries; when liblowbit is built without CUDA they report no device.
#pragma once

#include <string>

namespace lb::cuda {

bool built();
// 0 when not built, when no driver is loaded or when no device is visible.
int device_count();
// Requires built() and 0 <= index < device_count(); throws lb::Error(LB_ERR_CUDA) if the query fails.
std::string device_name(int index);
// Waits for all work on device `index`; throws lb::Error(LB_ERR_CUDA) on failure.
void synchronize(int index);

}  // namespace lb::cuda
