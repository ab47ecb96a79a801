// One EfficientQAT Block-AP training step (forward + backward + AdamW) on a Llama-shaped block with random
// weights, through the C API: the fused kernels vs the same step from plain libtorch ops, in one run.
//   qat_step_bench [hidden inter heads kv_heads batch seq bits group steps]   (defaults: Llama-2-7B, 2 x 2048, w2g64)
// Prints ms/step and the peak allocated GPU memory of each variant. Needs a CUDA device.
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "lowbit.h"

#if QAT_BENCH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace {

lb_tensor wrap(const at::Tensor& t) {
  at::Tensor c = t.contiguous().cpu();
  lb_tensor out = nullptr;
  std::vector<int64_t> shape(c.sizes().begin(), c.sizes().end());
  const int dtype = c.scalar_type() == at::kBFloat16 ? LB_DTYPE_BF16
                    : c.scalar_type() == at::kByte  ? LB_DTYPE_U8
                    : c.scalar_type() == at::kInt   ? LB_DTYPE_I32
                                                    : LB_DTYPE_F32;
  if (dtype == LB_DTYPE_F32 && c.scalar_type() != at::kFloat) c = c.to(at::kFloat);
  if (lb_tensor_from_host(c.data_ptr(), dtype, shape.data(), static_cast<int32_t>(shape.size()), LB_DEVICE_CUDA, 0, &out) != LB_OK) {
    std::fprintf(stderr, "lb_tensor_from_host: %s\n", lb_last_error());
    std::exit(1);
  }
  return out;
}

void check(int status, const char* what) {
  if (status != LB_OK) {
    std::fprintf(stderr, "%s: %s\n", what, lb_last_error());
    std::exit(1);
  }
}

double peak_gb() {
#if QAT_BENCH_CUDA
  return static_cast<double>(c10::cuda::CUDACachingAllocator::getDeviceStats(0).allocated_bytes[0].peak) / 1e9;
#else
  return -1;
#endif
}

void reset_peak() {
#if QAT_BENCH_CUDA
  c10::cuda::CUDACachingAllocator::emptyCache();
  c10::cuda::CUDACachingAllocator::resetPeakStats(0);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  const auto arg = [&](int i, int64_t d) { return argc > i ? std::atoll(argv[i]) : d; };
  const int64_t hidden = arg(1, 4096), inter = arg(2, 11008), heads = arg(3, 32), kv = arg(4, 32);
  const int64_t batch = arg(5, 2), seq = arg(6, 2048), bits = arg(7, 2), group = arg(8, 64), steps = arg(9, 20);
  const int64_t dim = hidden / heads;
  torch::manual_seed(0);
  const auto randn = [](std::vector<int64_t> shape, double std) { return torch::randn(shape) * std; };
  std::vector<lb_tensor> w = {wrap(torch::ones({hidden})), wrap(randn({heads * dim, hidden}, 0.02)),
                              wrap(randn({kv * dim, hidden}, 0.02)), wrap(randn({kv * dim, hidden}, 0.02)),
                              wrap(randn({hidden, heads * dim}, 0.02)), wrap(torch::ones({hidden})),
                              wrap(randn({inter, hidden}, 0.02)), wrap(randn({inter, hidden}, 0.02)),
                              wrap(randn({hidden, inter}, 0.02))};
  lb_llama_block_weights bw{};
  bw.struct_size = sizeof(bw);
  bw.input_norm = w[0];
  bw.q_proj = w[1];
  bw.k_proj = w[2];
  bw.v_proj = w[3];
  bw.o_proj = w[4];
  bw.post_attention_norm = w[5];
  bw.gate_proj = w[6];
  bw.up_proj = w[7];
  bw.down_proj = w[8];
  lb_llama_config cfg{sizeof(lb_llama_config), hidden, inter, heads, kv, dim, 10000.0, 1e-5, LB_DTYPE_BF16, 0};
  lb_tensor x = wrap(torch::randn({batch, seq, hidden}).to(torch::kBFloat16));
  lb_tensor y = wrap(torch::randn({batch, seq, hidden}).to(torch::kBFloat16));
  std::printf("qat_step_bench: hidden %lld inter %lld heads %lld kv %lld, batch %lld x %lld, w%lldg%lld, bf16, %lld steps\n",
              (long long)hidden, (long long)inter, (long long)heads, (long long)kv, (long long)batch, (long long)seq,
              (long long)bits, (long long)group, (long long)steps);
  for (int plain = 0; plain <= 1; ++plain) {
    reset_peak();
    lb_qat_options o{sizeof(lb_qat_options), static_cast<int32_t>(bits), plain, group, 0};
    lb_qat_block b = nullptr;
    check(lb_qat_block_create(&cfg, &bw, &o, LB_DEVICE_CUDA, 0, &b), "lb_qat_block_create");
    std::vector<double> losses(static_cast<size_t>(steps) + 3);
    int64_t count = 0;
    for (int i = 0; i < 3; ++i) check(lb_qat_block_train_step(b, x, y, 0, batch, 1e-5, 1e-4), "warmup step");
    check(lb_qat_block_take_losses(b, losses.data(), 3, &count), "take_losses");
    check(lb_synchronize(LB_DEVICE_CUDA, 0), "sync");
    const auto t0 = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < steps; ++i) check(lb_qat_block_train_step(b, x, y, 0, batch, 1e-5, 1e-4), "step");
    check(lb_synchronize(LB_DEVICE_CUDA, 0), "sync");
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / steps;
    check(lb_qat_block_take_losses(b, losses.data(), steps, &count), "take_losses");
    std::printf("RESULT qat_step %-6s ms/step %.2f peak_alloc_GB %.2f last_loss %.5g\n", plain ? "plain" : "fused", ms,
                peak_gb(), losses[count - 1]);
    lb_qat_block_free(b);
  }
  lb_tensor_free(x);
  lb_tensor_free(y);

  // E2E-QP: 2 decoder layers of this shape, random integer codes, vocab 32000, one window of `seq` tokens per step.
  {
    const int64_t vocab = 32000, layers = 2, e2e_steps = 10;
    reset_peak();
    lb_e2e_model m = nullptr;
    lb_tensor embed = wrap(randn({vocab, hidden}, 0.02).to(torch::kBFloat16)), norm = wrap(torch::ones({hidden}));
    lb_tensor head = wrap(randn({vocab, hidden}, 0.02).to(torch::kBFloat16));
    check(lb_e2e_model_create(&cfg, embed, norm, head, static_cast<int32_t>(bits), group, LB_DEVICE_CUDA, 0, &m), "lb_e2e_model_create");
    const int64_t shapes[7][2] = {{heads * dim, hidden}, {kv * dim, hidden}, {kv * dim, hidden}, {hidden, heads * dim},
                                  {inter, hidden}, {inter, hidden}, {hidden, inter}};
    const int64_t qmax = (1 << bits) - 1;
    for (int64_t l = 0; l < layers; ++l) {
      lb_tensor codes[7], scales[7], zeros[7];
      for (int i = 0; i < 7; ++i) {
        const int64_t out = shapes[i][0], in = shapes[i][1], groups = in / group;
        codes[i] = wrap(torch::randint(0, qmax + 1, {out, in}).to(torch::kUInt8));
        scales[i] = wrap(torch::full({out, groups}, 0.01));
        zeros[i] = wrap(torch::full({out, groups}, static_cast<double>(qmax / 2)));
      }
      check(lb_e2e_model_add_block(m, w[0], w[5], codes, scales, zeros), "lb_e2e_model_add_block");
      for (int i = 0; i < 7; ++i) {
        lb_tensor_free(codes[i]);
        lb_tensor_free(scales[i]);
        lb_tensor_free(zeros[i]);
      }
    }
    lb_tensor ids = wrap(torch::randint(0, vocab, {1, seq}).to(torch::kInt));
    std::vector<double> losses(e2e_steps + 2);
    int64_t count = 0;
    for (int i = 0; i < 2; ++i) check(lb_e2e_model_train_step(m, ids, 1e-5, 0.3), "e2e warmup");
    check(lb_e2e_model_take_losses(m, losses.data(), 2, &count), "e2e losses");
    check(lb_synchronize(LB_DEVICE_CUDA, 0), "sync");
    const auto t0 = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < e2e_steps; ++i) check(lb_e2e_model_train_step(m, ids, 1e-5, 0.3), "e2e step");
    check(lb_synchronize(LB_DEVICE_CUDA, 0), "sync");
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    check(lb_e2e_model_take_losses(m, losses.data(), e2e_steps, &count), "e2e losses");
    std::printf("RESULT e2e_qp layers %lld tokens/step %lld tokens/s %.0f ms/step %.1f peak_alloc_GB %.2f last_loss %.4g\n",
                (long long)layers, (long long)seq, e2e_steps * seq / s, 1000 * s / e2e_steps, peak_gb(), losses[count - 1]);
    lb_e2e_model_free(m);
    for (lb_tensor t : {embed, norm, head, ids}) lb_tensor_free(t);
  }
  for (lb_tensor t : w) lb_tensor_free(t);
  return 0;
}
