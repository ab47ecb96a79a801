// Adapters behind the runtime functions (version, runtime info, threads, seed, device names).
#pragma once

#include <cstdint>

#include "lowbit.h"

namespace lb {

void version(int32_t* major, int32_t* minor, int32_t* patch);
void runtime_info(lb_runtime_info* info);
void cuda_device_name(int32_t index, char* buf, int64_t capacity);
void set_num_threads(int32_t threads);
void manual_seed(uint64_t seed);
void synchronize(int32_t device_type, int32_t device_index);

}  // namespace lb
