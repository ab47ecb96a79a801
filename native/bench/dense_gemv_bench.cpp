// Timing executable (not a test): the CPU dense GEMV kernel (kernels/cpu/dense_gemv_cpu.h) on a 16-bit weight kept
// as stored, against what it replaces in the decoder, widening the weight to f32 and at::linear, in the same run on
// the same threads, for several row counts m (a decode step is m = 1, a prefill m = prompt tokens).
//   dense_gemv_bench [out=11008] [in=4096] [dtype=bf16|f16] [reps=10] [threads=libtorch's default] [m,m,...]
// Prints the median and minimum of `reps` timed calls after warm-up, and the largest |difference| of the two results.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "bench/host_timing.h"
#include "kernels/cpu/dense_gemv_cpu.h"

namespace {

using lb_bench::Timing;

using lb_bench::time_it;

std::vector<int64_t> parse_rows(const char* text) {
  std::vector<int64_t> rows;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) rows.push_back(std::atoll(item.c_str()));
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t out = argc > 1 ? std::atoll(argv[1]) : 11008;
  const int64_t in = argc > 2 ? std::atoll(argv[2]) : 4096;
  const bool f16 = argc > 3 && std::string(argv[3]) == "f16";
  const int reps = argc > 4 ? std::atoi(argv[4]) : 10;
  if (argc > 5) at::set_num_threads(std::atoi(argv[5]));
  const std::vector<int64_t> ms = parse_rows(argc > 6 ? argv[6] : "1,4,16,64,256,1024");
  at::manual_seed(0);
  const at::Tensor w = (at::randn({out, in}) * 0.02).to(f16 ? at::kHalf : at::kBFloat16);
  std::printf("dense_gemv_bench: out=%lld in=%lld dtype=%s threads=%d reps=%d\n", (long long)out, (long long)in,
              f16 ? "f16" : "bf16", at::get_num_threads(), reps);
  for (const int64_t m : ms) {
    const at::Tensor x = at::randn({m, in});
    at::Tensor y_ref, y = at::empty({m, out});
    const Timing widened = time_it([&] { y_ref = at::linear(x, w.to(at::kFloat)); }, reps, 2);
    const lb::kernels::DenseGemvArgs args{x.data_ptr<float>(), m, in, out, w.data_ptr(),
                                          f16 ? lb::kernels::kTypeF16 : lb::kernels::kTypeBF16, y.data_ptr<float>(),
                                          at::get_num_threads()};
    const Timing kernel = time_it([&] { lb::kernels::dense_gemv_cpu(args); }, reps, 2);
    std::printf("  m=%-5lld widen + at::linear median %9.3f ms min %9.3f | dense_gemv_cpu median %9.3f ms min %9.3f"
                " | %.2fx (medians) | max |diff| %.2e\n",
                (long long)m, widened.median_ms, widened.min_ms, kernel.median_ms, kernel.min_ms,
                widened.median_ms / kernel.median_ms, (y - y_ref).abs().max().item<double>());
  }
  return 0;
}
