// lb_scale_grad_packed against a plain reference: unpack q, W' = q - z, dW = x^T dy in f64, sum per group.
// CPU always; CUDA when a device is present (the same cases, compared to the CPU result).
#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "lowbit.h"

namespace {

int failures = 0;

lb_tensor to_lb(const at::Tensor& t, int dtype, int device) {
  at::Tensor c = t.contiguous();
  std::vector<int64_t> shape(c.sizes().begin(), c.sizes().end());
  lb_tensor out = nullptr;
  if (lb_tensor_from_host(c.data_ptr(), dtype, shape.data(), (int32_t)shape.size(), device, 0, &out) != LB_OK) {
    std::printf("from_host failed: %s\n", lb_last_error());
    std::exit(1);
  }
  return out;
}

at::Tensor from_lb(lb_tensor t, std::vector<int64_t> shape) {
  at::Tensor out = at::empty(shape, at::kFloat);
  lb_tensor_to_host(t, out.data_ptr(), out.numel() * 4);
  return out;
}

void run_case(int bits, int64_t m, int64_t in, int64_t out, int64_t group, int device) {
  const int64_t g = group <= 0 || group > in ? in : group, groups = in / g;
  const int64_t qmax = (1 << bits) - 1;
  at::Tensor q = at::randint(0, qmax + 1, {in, out}, at::kInt);
  at::Tensor z = at::randint(0, qmax + 1, {groups, out}, at::kInt).to(at::kFloat);
  at::Tensor x = at::randn({m, in});
  at::Tensor dy = at::randn({m, out});
  // pack along dim 0 through the library (reference layout)
  lb_tensor qh = to_lb(q, LB_DTYPE_I32, LB_DEVICE_CPU), packed = nullptr;
  if (lb_pack_bits(qh, bits, 0, &packed) != LB_OK) {
    std::printf("pack failed: %s\n", lb_last_error());
    std::exit(1);
  }
  lb_tensor packed_dev = packed;
  if (device == LB_DEVICE_CUDA) lb_tensor_to(packed, LB_DTYPE_I32, LB_DEVICE_CUDA, 0, &packed_dev);
  lb_tensor xh = to_lb(x, LB_DTYPE_F32, device), dyh = to_lb(dy, LB_DTYPE_F32, device), zh = to_lb(z, LB_DTYPE_F32, device);
  lb_tensor gs = nullptr;
  if (lb_scale_grad_packed(xh, dyh, packed_dev, zh, bits, group, &gs) != LB_OK) {
    std::printf("FAIL bits %d: %s\n", bits, lb_last_error());
    ++failures;
    return;
  }
  at::Tensor got = from_lb(gs, {groups, out});
  at::Tensor wq = (q.to(at::kDouble) - z.to(at::kDouble).repeat_interleave(g, 0));  // [in, out]
  at::Tensor dw = at::mm(x.to(at::kDouble).t(), dy.to(at::kDouble));               // [in, out]
  at::Tensor want = (wq * dw).view({groups, g, out}).sum(1);
  const double err = (got.to(at::kDouble) - want).abs().max().item<double>();
  const double tol = 1e-6 * (1 + want.abs().max().item<double>()) * std::sqrt((double)(m * g)) / 8;
  const bool ok = err <= tol;
  std::printf("%s %s bits %d m %lld in %lld out %lld group %lld: max err %.3g (tol %.3g)\n", ok ? "ok  " : "FAIL",
              device == LB_DEVICE_CUDA ? "cuda" : "cpu ", bits, (long long)m, (long long)in, (long long)out,
              (long long)group, err, tol);
  if (!ok) ++failures;
  for (lb_tensor t : {qh, packed, xh, dyh, zh, gs}) lb_tensor_free(t);
  if (packed_dev != packed) lb_tensor_free(packed_dev);
}

}  // namespace

int main() {
  torch::manual_seed(0);
  lb_runtime_info info{};
  info.struct_size = sizeof(info);
  lb_runtime_info_get(&info);
  std::vector<int> devices{LB_DEVICE_CPU};
  if (info.cuda_available) devices.push_back(LB_DEVICE_CUDA);
  else std::printf("SKIP cuda cases: no CUDA device\n");
  for (int device : devices) {
    for (int bits : {2, 3, 4}) {
      run_case(bits, 5, 64, 7, 32, device);
      run_case(bits, 17, 128, 33, 64, device);
      run_case(bits, 3, 96, 130, 0, device);   // per channel
      run_case(bits, 1, 256, 5, 128, device);
      run_case(bits, 1000, 128, 33, 64, device);  // many rows, few blocks: the CUDA launch splits the rows
      run_case(bits, 7, 1024, 9, 0, device);      // per channel wider than the CUDA kernel's 768: the x^T dy path
    }
  }
  // bad input: wrong qweight shape
  {
    lb_tensor x = to_lb(at::randn({2, 64}), LB_DTYPE_F32, LB_DEVICE_CPU), dy = to_lb(at::randn({2, 4}), LB_DTYPE_F32, LB_DEVICE_CPU);
    lb_tensor qw = to_lb(at::zeros({3, 4}, at::kInt), LB_DTYPE_I32, LB_DEVICE_CPU), z = to_lb(at::zeros({2, 4}), LB_DTYPE_F32, LB_DEVICE_CPU);
    lb_tensor gs = nullptr;
    const int st = lb_scale_grad_packed(x, dy, qw, z, 2, 32, &gs);
    if (st != LB_ERR_INVALID_ARGUMENT || std::string(lb_last_error()).find("qweight") == std::string::npos) {
      std::printf("FAIL bad qweight shape not rejected: %d %s\n", st, lb_last_error());
      ++failures;
    }
  }
  std::printf("%s\n", failures ? "FAILED" : "all passed");
  return failures ? 1 : 0;
}
