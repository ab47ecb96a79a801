// Timing executable (not a test): the packed GEMV through the C API (lb_packed_linear, the whole call)
// against libtorch's fp32 at::linear of the same shape, in the same run, on the same threads.
//   packed_gemv_bench [out=11008] [in=4096] [group_size=128] [reps=50] [threads=libtorch's default]
// Both sides run on the same number of threads (at::set_num_threads; lb_packed_linear uses libtorch's
// intra-op thread count of the calling thread).
// Prints the median and minimum of `reps` timed calls after warm-up, for bits 4, 3 and 2 and m = 1
// (and m = 16 for bits 4).
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <vector>

#include "bench/host_timing.h"
#include "lowbit.h"

namespace {

using lb_bench::Timing;

using lb_bench::time_it;

lb_tensor wrap(const at::Tensor& t, int32_t dtype) {
  lb_tensor h = nullptr;
  const std::vector<int64_t> shape(t.sizes().begin(), t.sizes().end());
  if (lb_tensor_wrap_host(t.data_ptr(), dtype, shape.data(), static_cast<int32_t>(shape.size()), &h) != LB_OK) {
    std::fprintf(stderr, "lb_tensor_wrap_host: %s\n", lb_last_error());
    std::exit(1);
  }
  return h;
}

lb_tensor from_host(const void* data, int32_t dtype, const std::vector<int64_t>& shape) {
  lb_tensor h = nullptr;
  if (lb_tensor_from_host(data, dtype, shape.data(), static_cast<int32_t>(shape.size()), LB_DEVICE_CPU, 0, &h) !=
      LB_OK) {
    std::fprintf(stderr, "lb_tensor_from_host: %s\n", lb_last_error());
    std::exit(1);
  }
  return h;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t out = argc > 1 ? std::atoll(argv[1]) : 11008;
  const int64_t in = argc > 2 ? std::atoll(argv[2]) : 4096;
  const int64_t group_size = argc > 3 ? std::atoll(argv[3]) : 128;
  const int reps = argc > 4 ? std::atoi(argv[4]) : 50;
  if (argc > 5) at::set_num_threads(std::atoi(argv[5]));
  at::manual_seed(0);
  std::printf("packed_gemv_bench: out=%lld in=%lld group_size=%lld threads=%d reps=%d\n", (long long)out,
              (long long)in, (long long)group_size, at::get_num_threads(), reps);

  const at::Tensor w = at::randn({out, in});
  for (int64_t m : {int64_t{1}, int64_t{16}}) {
    const at::Tensor x = at::randn({m, in});
    at::Tensor y_ref;
    const Timing fp32 = time_it([&] { y_ref = at::linear(x, w); }, reps, 5);
    std::printf("  m=%-3lld fp32 at::linear          median %8.3f ms  min %8.3f ms\n", (long long)m, fp32.median_ms,
                fp32.min_ms);
    for (int bits : {4, 3, 2}) {
      if (m > 1 && bits != 4) continue;
      const int64_t groups = group_size <= 0 ? 1 : (in + group_size - 1) / group_size;
      // any bit pattern is a valid code: random words
      std::mt19937 rng(static_cast<uint32_t>(bits));
      std::vector<int32_t> qweight(static_cast<size_t>(in * bits / 32 * out));
      for (auto& v : qweight) v = static_cast<int32_t>(rng());
      std::vector<int32_t> qzeros(static_cast<size_t>(groups * out * bits / 32));
      for (auto& v : qzeros) v = static_cast<int32_t>(rng());
      std::vector<float> scales(static_cast<size_t>(groups * out));
      for (auto& v : scales) v = 0.001f + 0.01f * static_cast<float>(rng() % 1000) / 1000.0f;
      const lb_tensor hx = wrap(x, LB_DTYPE_F32);
      const lb_tensor hq = from_host(qweight.data(), LB_DTYPE_I32, {in * bits / 32, out});
      const lb_tensor hz = from_host(qzeros.data(), LB_DTYPE_I32, {groups, out * bits / 32});
      const lb_tensor hs32 = from_host(scales.data(), LB_DTYPE_F32, {groups, out});
      lb_tensor hs = nullptr;  // f16 scales, as exported checkpoints carry them
      if (lb_tensor_to(hs32, LB_DTYPE_F16, LB_DEVICE_CPU, 0, &hs) != LB_OK) {
        std::fprintf(stderr, "lb_tensor_to: %s\n", lb_last_error());
        return 1;
      }
      lb_tensor_free(hs32);
      const Timing packed = time_it(
          [&] {
            lb_tensor y = nullptr;
            if (lb_packed_linear(hx, hq, hz, hs, bits, group_size, 0, &y) != LB_OK) {
              std::fprintf(stderr, "lb_packed_linear: %s\n", lb_last_error());
              std::exit(1);
            }
            lb_tensor_free(y);
          },
          reps, 5);
      std::printf("  m=%-3lld int%d g%-4lld lb_packed_linear  median %8.3f ms  min %8.3f ms  (%.2fx fp32 median)\n",
                  (long long)m, bits, (long long)group_size, packed.median_ms, packed.min_ms,
                  fp32.median_ms / packed.median_ms);
      lb_tensor_free(hx);
      lb_tensor_free(hq);
      lb_tensor_free(hz);
      lb_tensor_free(hs);
    }
  }
  return 0;
}
