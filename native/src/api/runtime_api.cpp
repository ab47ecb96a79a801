// extern "C": version, runtime info, threads, seed, CUDA device names.
#include "lowbit.h"
#include "src/api/guard.h"
#include "src/runtime.h"

using lb::api::guard;

extern "C" {

int lb_version(int32_t* major, int32_t* minor, int32_t* patch) {
  return guard("lb_version", [&] { lb::version(major, minor, patch); });
}

int lb_runtime_info_get(lb_runtime_info* info) {
  return guard("lb_runtime_info_get", [&] { lb::runtime_info(info); });
}

int lb_cuda_device_name(int32_t index, char* buf, int64_t capacity) {
  return guard("lb_cuda_device_name", [&] { lb::cuda_device_name(index, buf, capacity); });
}

int lb_set_num_threads(int32_t threads) {
  return guard("lb_set_num_threads", [&] { lb::set_num_threads(threads); });
}

int lb_synchronize(int32_t device_type, int32_t device_index) {
  return guard("lb_synchronize", [&] { lb::synchronize(device_type, device_index); });
}

int lb_manual_seed(uint64_t seed) {
  return guard("lb_manual_seed", [&] { lb::manual_seed(seed); });
}

}  // extern "C"
