// Peak GPU memory and step time of one training step of LR-QAT vs full-model QAT (every weight trainable with
// STE fake quant, AdamW moments in f32) on a Llama-shaped model with random weights, same batch and sequence.
// One mode per process, so the caching allocator of one does not hide the other's peak:
//   lrqat_memory_bench lrqat|full [hidden layers intermediate heads kv_heads vocab batch seq steps]
// Prints: "lrqat_mem mode=... params=... static_gib=... peak_gib=... step_ms=... loss=...".
#include <ATen/TensorOperators.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/randint.h>
#include <ATen/ops/randn.h>
#include <ATen/Context.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "lowbit.h"

#if LOWBIT_BENCH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace {

void ok(int status, const char* what) {
  if (status != LB_OK) {
    std::fprintf(stderr, "%s failed: %s\n", what, lb_last_error());
    std::exit(1);
  }
}

lb_tensor random_host(std::vector<int64_t> shape, double scale, double shift = 0.0) {
  at::Tensor t = at::randn(shape) * scale + shift;
  lb_tensor out = nullptr;
  ok(lb_tensor_from_host(t.data_ptr(), LB_DTYPE_F32, shape.data(), static_cast<int32_t>(shape.size()), LB_DEVICE_CPU, 0, &out),
     "lb_tensor_from_host");
  return out;
}

double allocated_gib(bool peak) {
#if LOWBIT_BENCH_CUDA
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(0);
  return static_cast<double>(peak ? stats.allocated_bytes[0].peak : stats.allocated_bytes[0].current) / (1 << 30);
#else
  (void)peak;
  return -1.0;
#endif
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "lrqat";
  const auto arg = [&](int i, int64_t d) { return argc > i ? std::atoll(argv[i]) : d; };
  const int64_t hidden = arg(2, 2048), layers = arg(3, 16), inter = arg(4, 5504), heads = arg(5, 16), kv = arg(6, 16);
  const int64_t vocab = arg(7, 32000), batch = arg(8, 4), seq = arg(9, 1024), steps = arg(10, 3);
  lb_runtime_info info{};
  info.struct_size = sizeof(info);
  ok(lb_runtime_info_get(&info), "lb_runtime_info_get");
  const int32_t device = info.cuda_available ? LB_DEVICE_CUDA : LB_DEVICE_CPU;

  lb_llama_config c{};
  c.struct_size = sizeof(c);
  c.hidden_size = hidden;
  c.intermediate_size = inter;
  c.num_heads = heads;
  c.num_kv_heads = kv;
  c.head_dim = hidden / heads;
  c.rope_theta = 10000.0;
  c.rms_norm_eps = 1e-5;
  c.compute_dtype = LB_DTYPE_BF16;
  lb_lrqat_options o{};
  o.struct_size = sizeof(o);
  o.bits = 4;
  o.symmetric = 1;
  o.group_size = 0;
  o.rank = 32;
  o.alpha = 1.0;
  o.downcast = LB_LRQAT_DOWNCAST_Q8;
  o.ab_dtype = LB_DTYPE_BF16;
  o.full_qat = mode == "full" ? 1 : 0;

  at::manual_seed(0);
  lb_tensor embed = random_host({vocab, hidden}, 0.02), norm = random_host({hidden}, 0.0, 1.0);
  lb_tensor head = random_host({vocab, hidden}, 0.02);
  lb_lrqat_model model = nullptr;
  ok(lb_lrqat_model_create(&c, &o, layers, embed, norm, head, device, 0, &model), "lb_lrqat_model_create");
  lb_tensor_free(embed);
  lb_tensor_free(head);
  lb_tensor_free(norm);
  const int64_t qd = hidden, kvd = kv * (hidden / heads);
  int64_t params = 2 * vocab * hidden;
  for (int64_t l = 0; l < layers; ++l) {
    lb_llama_block_weights w{};
    w.struct_size = sizeof(w);
    w.input_norm = random_host({hidden}, 0.0, 1.0);
    w.post_attention_norm = random_host({hidden}, 0.0, 1.0);
    w.q_proj = random_host({qd, hidden}, 0.02);
    w.k_proj = random_host({kvd, hidden}, 0.02);
    w.v_proj = random_host({kvd, hidden}, 0.02);
    w.o_proj = random_host({hidden, qd}, 0.02);
    w.gate_proj = random_host({inter, hidden}, 0.02);
    w.up_proj = random_host({inter, hidden}, 0.02);
    w.down_proj = random_host({hidden, inter}, 0.02);
    ok(lb_lrqat_model_add_layer(model, &w, nullptr, nullptr), "lb_lrqat_model_add_layer");
    for (lb_tensor t : {w.input_norm, w.post_attention_norm, w.q_proj, w.k_proj, w.v_proj, w.o_proj, w.gate_proj, w.up_proj,
                        w.down_proj}) {
      lb_tensor_free(t);
    }
    params += 2 * qd * hidden + 2 * kvd * hidden + 3 * hidden * inter;
  }
  at::Tensor ids_host = at::randint(0, vocab, {batch, seq}, at::TensorOptions().dtype(at::kLong));
  lb_tensor ids = nullptr;
  const int64_t ids_shape[2] = {batch, seq};
  ok(lb_tensor_from_host(ids_host.data_ptr(), LB_DTYPE_I64, ids_shape, 2, LB_DEVICE_CPU, 0, &ids), "ids");
  ok(lb_synchronize(device, 0), "sync");
  const double static_gib = allocated_gib(false);
#if LOWBIT_BENCH_CUDA
  c10::cuda::CUDACachingAllocator::resetPeakStats(0);
#endif
  double loss = 0, ms = 0;
  for (int64_t s = 0; s <= steps; ++s) {
    const auto start = std::chrono::steady_clock::now();
    ok(lb_lrqat_model_train_step(model, ids, 1e-3, 1e-5, 1.0, &loss, nullptr), "lb_lrqat_model_train_step");
    ok(lb_synchronize(device, 0), "sync");
    if (s > 0) ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  }
  std::printf("lrqat_mem mode=%s params=%.3fB layers=%lld hidden=%lld inter=%lld batch=%lld seq=%lld static_gib=%.2f "
              "peak_gib=%.2f step_ms=%.1f loss=%.3f\n",
              mode.c_str(), params / 1e9, static_cast<long long>(layers), static_cast<long long>(hidden),
              static_cast<long long>(inter), static_cast<long long>(batch), static_cast<long long>(seq), static_gib,
              allocated_gib(true), steps > 0 ? ms / steps : 0.0, loss);
  lb_tensor_free(ids);
  lb_lrqat_model_free(model);
  return 0;
}
