#include "kernels/cpu/fake_quant_cpu.h"

#include <math.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernels/fake_quant_math.h"

namespace lb::kernels {
namespace {

int threads_or_default(int num_threads) {
#ifdef _OPENMP
  if (num_threads <= 0) num_threads = omp_get_max_threads();
#endif
  return num_threads;
}

// p[0] after folding p[l] += p[l + h], h = lanes/2 .. 1 (the CUDA tree order).
template <int Lanes>
float fold_lanes(float* p) {
  for (int h = Lanes / 2; h > 0; h /= 2) {
    for (int l = 0; l < h; ++l) p[l] = p[l] + p[l + h];
  }
  return p[0];
}

template <class T>
float chunk_sum(const T* a, const T* b, int64_t begin, int64_t n, float grad_scale, float* grad) {
  float p[kLossThreads];
  for (int t = 0; t < kLossThreads; ++t) p[t] = 0.0f;
  for (int k = 0; k < kLossPerThread; ++k) {
    const int64_t base = begin + (int64_t)k * kLossThreads;
    for (int t = 0; t < kLossThreads; ++t) {
      const int64_t i = base + t;
      if (i >= n) break;
      const float d = to_f32(a[i]) - to_f32(b[i]);
      p[t] = p[t] + d * d;
      if (grad != nullptr) grad[i] = d * grad_scale;
    }
  }
  return fold_lanes<kLossThreads>(p);
}

template <class T>
float recon_loss_typed(const T* a, const T* b, int64_t n, float grad_scale, float* grad, float* partials,
                       int num_threads) {
  const int64_t chunks = recon_loss_chunks(n);
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(num_threads) if (n >= 65536)
#endif
  for (int64_t c = 0; c < chunks; ++c) partials[c] = chunk_sum(a, b, c * kLossChunk, n, grad_scale, grad);
  (void)num_threads;
  float p[kLossThreads];
  for (int t = 0; t < kLossThreads; ++t) {
    float sum = 0.0f;
    for (int64_t c = t; c < chunks; c += kLossThreads) sum = sum + partials[c];
    p[t] = sum;
  }
  return fold_lanes<kLossThreads>(p);
}

}  // namespace

void fake_quant_forward_cpu(const float* w, const float* scales, const float* zeros, int64_t rows, int64_t cols,
                            int64_t group, int bits, float* w_hat, int num_threads) {
  const int64_t groups = rows * (cols / group);
  const float qmax = fq_qmax(bits);
  num_threads = threads_or_default(num_threads);
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(num_threads) if (groups * group >= 16384)
#endif
  for (int64_t g = 0; g < groups; ++g) {
    const float s = scales[g];
    const float zq = fq_zero(zeros[g], qmax);
    for (int64_t j = g * group; j < (g + 1) * group; ++j) w_hat[j] = fq_element(w[j], s, zq, qmax).w_hat;
  }
  (void)num_threads;
}

void fake_quant_backward_cpu(const float* w, const float* scales, const float* zeros, const float* grad_w_hat,
                             int64_t rows, int64_t cols, int64_t group, int bits, float* grad_w,
                             float* grad_scales, float* grad_zeros, int num_threads) {
  const int64_t groups = rows * (cols / group);
  const float qmax = fq_qmax(bits);
  num_threads = threads_or_default(num_threads);
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(num_threads) if (groups * group >= 16384)
#endif
  for (int64_t g = 0; g < groups; ++g) {
    const float s = scales[g];
    const float zq = fq_zero(zeros[g], qmax);
    float ps[kFqLanes], pz[kFqLanes];
    for (int l = 0; l < kFqLanes; ++l) ps[l] = pz[l] = 0.0f;
    const int64_t begin = g * group;
    for (int64_t j = 0; j < group; ++j) {
      const int l = (int)(j % kFqLanes);
      const float gy = grad_w_hat[begin + j];
      const FakeQuantElement e = fq_element(w[begin + j], s, zq, qmax);
      grad_w[begin + j] = e.clipped ? 0.0f : gy;
      ps[l] = ps[l] + gy * e.ds;
      if (e.clipped) pz[l] = pz[l] + gy;
    }
    grad_scales[g] = fold_lanes<kFqLanes>(ps);
    grad_zeros[g] = -s * fold_lanes<kFqLanes>(pz);
  }
  (void)num_threads;
}

int64_t recon_loss_chunks(int64_t n) { return (n + kLossChunk - 1) / kLossChunk; }

float recon_loss_cpu(const void* a, const void* b, int type, int64_t n, float grad_scale, float* grad,
                     float* partials, int num_threads) {
  num_threads = threads_or_default(num_threads);
  switch (type) {
    case kTypeF16:
      return recon_loss_typed(static_cast<const F16*>(a), static_cast<const F16*>(b), n, grad_scale, grad, partials,
                              num_threads);
    case kTypeBF16:
      return recon_loss_typed(static_cast<const BF16*>(a), static_cast<const BF16*>(b), n, grad_scale, grad,
                              partials, num_threads);
    default:
      return recon_loss_typed(static_cast<const float*>(a), static_cast<const float*>(b), n, grad_scale, grad,
                              partials, num_threads);
  }
}

}  // namespace lb::kernels
