// CUDA RTN vs CPU RTN, bit for bit, on a Llama-2-7B MLP-sized weight (4096 x 11008).
// Passes with a skip message when liblowbit has no CUDA or no device is visible.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "lb_helpers.h"
#include "rtn_reference.h"

#if LOWBIT_TEST_CUDA_SYNC
#include <cuda_runtime_api.h>
#endif

namespace {

using Clock = std::chrono::steady_clock;

void synchronize() {
#if LOWBIT_TEST_CUDA_SYNC
  cudaDeviceSynchronize();
#endif
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct Outputs {
  Tensor codes, scales, zeros, dequant;
};

Outputs quantize(lb_tensor weight, int bits, bool symmetric, int64_t group_size) {
  lb_rtn_options o{};
  o.struct_size = sizeof(o);
  o.bits = bits;
  o.symmetric = symmetric ? 1 : 0;
  o.group_size = group_size;
  lb_tensor c = nullptr, s = nullptr, z = nullptr, d = nullptr;
  CHECK_OK(lb_quantize_rtn(weight, &o, &c, &s, &z, &d));
  return Outputs{Tensor(c), Tensor(s), Tensor(z), Tensor(d)};
}

float max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  float worst = 0.0f;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) worst = std::fmax(worst, std::fabs(a[i] - b[i]));
  return worst;
}

size_t mismatches(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  size_t n = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) n += a[i] != b[i];
  return n;
}

struct Setting {
  int bits;
  bool symmetric;
  int64_t group_size;
};

void compare(lb_tensor cpu_weight, lb_tensor gpu_weight, const Setting& setting) {
  auto start = Clock::now();
  const Outputs cpu = quantize(cpu_weight, setting.bits, setting.symmetric, setting.group_size);
  const double cpu_ms = ms_since(start);

  quantize(gpu_weight, setting.bits, setting.symmetric, setting.group_size);  // warm-up
  synchronize();
  const int repeats = 10;
  start = Clock::now();
  for (int i = 0; i < repeats; ++i) quantize(gpu_weight, setting.bits, setting.symmetric, setting.group_size);
  synchronize();
  const double gpu_ms = ms_since(start) / repeats;
  const Outputs gpu = quantize(gpu_weight, setting.bits, setting.symmetric, setting.group_size);

  int32_t type = -1, index = -1;
  CHECK_OK(lb_tensor_device(gpu.codes.get(), &type, &index));
  CHECK_EQ(type, LB_DEVICE_CUDA);

  const std::vector<uint8_t> codes_cpu = to_vector<uint8_t>(cpu.codes.get());
  const std::vector<uint8_t> codes_gpu = to_vector<uint8_t>(gpu.codes.get());
  const std::vector<float> dq_cpu = to_vector<float>(cpu.dequant.get());
  const std::vector<float> dq_gpu = to_vector<float>(gpu.dequant.get());
  const std::vector<float> scales_cpu = to_vector<float>(cpu.scales.get());
  const std::vector<float> scales_gpu = to_vector<float>(gpu.scales.get());
  const bool exact = same_bits(codes_cpu, codes_gpu) && same_bits(dq_cpu, dq_gpu) &&
                     same_bits(scales_cpu, scales_gpu) &&
                     same_bits(to_vector<float>(cpu.zeros.get()), to_vector<float>(gpu.zeros.get()));
  std::printf("bits=%d %s group_size=%-5lld  code mismatches=%zu  max|dq diff|=%g  max|scale diff|=%g  "
              "cpu %.1f ms  cuda %.3f ms  %s\n",
              setting.bits, setting.symmetric ? "sym " : "asym", static_cast<long long>(setting.group_size),
              mismatches(codes_cpu, codes_gpu), max_abs_diff(dq_cpu, dq_gpu), max_abs_diff(scales_cpu, scales_gpu),
              cpu_ms, gpu_ms, exact ? "bit-exact" : "DIFFERENT");
  if (!exact) check::fail(__FILE__, __LINE__, "CUDA RTN differs from CPU RTN");
}

// Small odd shapes against the scalar reference too, so CUDA is checked on tails and ties.
void compare_small_with_reference() {
  const std::vector<float> ties = {0.0f, 15.0f, 2.5f, 3.5f, 0.5f, 1.5f, 4.5f, 5.5f};
  const Tensor cpu = host_tensor(ties, LB_DTYPE_F32, {1, 8});
  const Tensor gpu = convert(cpu.get(), LB_DTYPE_F32, LB_DEVICE_CUDA);
  const Outputs q = quantize(gpu.get(), 4, false, 0);
  const RtnResult ref = reference_rtn(ties, 1, 8, 0, 4, false);
  CHECK(same_bits(to_vector<uint8_t>(q.codes.get()), ref.codes));
  CHECK(same_bits(to_vector<float>(q.dequant.get()), ref.dequant));

  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 0.02f);
  for (const auto& shape : std::vector<std::vector<int64_t>>{{7, 96}, {1, 32}, {33, 128}, {5, 7}}) {
    std::vector<float> w(static_cast<size_t>(shape[0] * shape[1]));
    for (float& v : w) v = normal(rng);
    const Tensor host = host_tensor(w, LB_DTYPE_F32, shape);
    const Tensor device = convert(host.get(), LB_DTYPE_F32, LB_DEVICE_CUDA);
    for (int bits : {2, 3, 4, 8}) {
      for (bool symmetric : {false, true}) {
        for (int64_t group : {int64_t{32}, int64_t{0}}) {
          if (shape[1] % group != 0 && group != 0 && group < shape[1]) continue;
          const Outputs out = quantize(device.get(), bits, symmetric, group);
          const RtnResult r = reference_rtn(w, shape[0], shape[1], group, bits, symmetric);
          CHECK(same_bits(to_vector<uint8_t>(out.codes.get()), r.codes));
          CHECK(same_bits(to_vector<float>(out.scales.get()), r.scales));
          CHECK(same_bits(to_vector<float>(out.zeros.get()), r.zeros));
          CHECK(same_bits(to_vector<float>(out.dequant.get()), r.dequant));
        }
      }
    }
  }
}

}  // namespace

int main() {
  const lb_runtime_info info = runtime_info();
  if (!info.cuda_built || !info.cuda_available) {
    std::printf("test_rtn_cuda: SKIPPED (%s)\n",
                info.cuda_built ? "no CUDA device visible" : "liblowbit was built without CUDA");
    return check::finish("test_rtn_cuda");
  }
  char name[256] = {0};
  CHECK_OK(lb_cuda_device_name(0, name, sizeof(name)));
  std::printf("device: %s, libtorch %s, cpu threads %d\n", name, info.torch_version, info.num_threads);

  compare_small_with_reference();

  const int64_t rows = 4096, cols = 11008;
  std::vector<float> w(static_cast<size_t>(rows * cols));
  std::mt19937 rng(2024);
  std::normal_distribution<float> normal(0.0f, 0.02f);
  for (float& v : w) v = normal(rng);
  for (size_t i = 0; i < w.size(); i += 997) w[i] *= 40.0f;  // outliers

  const Tensor cpu = host_tensor(w, LB_DTYPE_F32, {rows, cols});
  const Tensor gpu = convert(cpu.get(), LB_DTYPE_F32, LB_DEVICE_CUDA);
  const Tensor gpu_bf16 = convert(cpu.get(), LB_DTYPE_BF16, LB_DEVICE_CUDA);
  const Tensor cpu_bf16 = convert(gpu_bf16.get(), LB_DTYPE_BF16, LB_DEVICE_CPU);

  const Setting settings[] = {{4, false, 128}, {4, true, 128}, {2, false, 64}, {3, false, 128},
                              {2, true, 32},   {8, false, 0},  {4, false, 32}};
  for (const Setting& s : settings) compare(cpu.get(), gpu.get(), s);
  std::printf("bf16 input:\n");
  compare(cpu_bf16.get(), gpu_bf16.get(), Setting{4, false, 128});
  return check::finish("test_rtn_cuda");
}
