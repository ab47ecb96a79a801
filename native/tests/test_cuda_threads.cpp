// CUDA keeps working after other threads (the Java engine threads) set threads and seeds and exit.
#include <cstdio>
#include <thread>
#include <vector>

#include "lb_helpers.h"

static bool rtn_on_cuda(const char* when) {
  std::vector<float> w(64 * 128);
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>((i * 37) % 101) / 101.0f - 0.5f;
  lb_tensor t = nullptr;
  int64_t shape[2] = {64, 128};
  int status = lb_tensor_from_host(w.data(), LB_DTYPE_F32, shape, 2, LB_DEVICE_CUDA, 0, &t);
  if (status != LB_OK) {
    std::printf("%s: lb_tensor_from_host: %s\n", when, lb_last_error());
    return false;
  }
  lb_rtn_options o{};
  o.struct_size = sizeof(o);
  o.bits = 4;
  o.group_size = 128;
  lb_tensor c = nullptr, s = nullptr, z = nullptr, d = nullptr;
  status = lb_quantize_rtn(t, &o, &c, &s, &z, &d);
  if (status != LB_OK) std::printf("%s: lb_quantize_rtn: %s\n", when, lb_last_error());
  lb_tensor_free(t);
  lb_tensor_free(c);
  lb_tensor_free(s);
  lb_tensor_free(z);
  lb_tensor_free(d);
  return status == LB_OK;
}

int main() {
  if (runtime_info().cuda_available == 0) {
    std::printf("test_cuda_threads: SKIPPED (no CUDA device)\n");
    return 0;
  }
  std::thread seeder([] {
    CHECK_OK(lb_set_num_threads(4));
    CHECK_OK(lb_manual_seed(0));
  });
  seeder.join();
  CHECK(rtn_on_cuda("after a thread seeded and exited"));
  std::thread worker([] { CHECK(rtn_on_cuda("on a second thread")); });
  worker.join();
  CHECK(rtn_on_cuda("back on the main thread"));
  std::printf("test_cuda_threads: all checks passed\n");
  return check::failures() == 0 ? 0 : 1;
}
