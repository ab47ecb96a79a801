// The decode step's one-pass attention (kernels/cuda/decode_attention.cuh: online softmax, 8 lanes per key, the
// warps merged through shared memory) run on the host through cuda_emulation.h, against a double softmax(q k^T s) v:
// f32 / f16 / bf16 caches, head_dim from one chunk per key to 256 (both register widths), 1 to 257 keys (a block
// takes 32 keys per round), 2 and 8 warps, and the current entry read from the kernel's own copy (the cache row
// holds NaN there, so reading it would show); and the split form (key_range, attend_keys and block_part in each of
// 4, 2 and 8 blocks, merge_parts over their parts), also where some parts have no keys.
#include "cuda_emulation.h"
// the kernel body, after the emulation layer
#include "kernels/cuda/decode_attention.cuh"

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "check.h"

namespace {

namespace da = lb::kernels::decode_attention;

template <class T>
T to_t(float v) {
  if constexpr (std::is_same_v<T, float>) return v;
  else if constexpr (std::is_same_v<T, __half>) return __float2half_rn(v);
  else return __float2bfloat16_rn(v);
}

template <class T>
float from_t(T v) {
  if constexpr (std::is_same_v<T, float>) return v;
  else if constexpr (std::is_same_v<T, __half>) return __half2float(v);
  else return __bfloat162float(v);
}

// The kernels' shared memory: q, the own key and value rows (filled from the inputs), then the warps' rows.
struct Staged {
  const float *qf, *ko, *vo;
  float* rows;
};

Staged stage_inputs(float* shared, const float* q, int64_t own, const float* k_own, const float* v_own, int dim) {
  float* qf = shared;
  float* ko = qf + dim;
  float* vo = ko + dim;
  for (int i = static_cast<int>(threadIdx.x); i < dim; i += static_cast<int>(blockDim.x)) {
    qf[i] = q[i];
    ko[i] = own >= 0 ? k_own[i] : 0.0f;
    vo[i] = own >= 0 ? v_own[i] : 0.0f;
  }
  __syncthreads();
  return Staged{qf, ko, vo, vo + dim};
}

// Static shared memory: the warps' max and sum.
template <class T, int MC>
__global__ void attend_kernel(const float* q, const T* k, const T* v, int64_t keys, int64_t own, const float* k_own,
                              const float* v_own, int dim, float scale, float* out) {
  LB_DYNAMIC_SHARED(float, shared);
  LB_SHARED_ARRAY(float, stats, 64);
  const Staged in = stage_inputs(shared, q, own, k_own, v_own, dim);
  da::attend_online<T, MC>(in.qf, k, v, keys, own, in.ko, in.vo, dim, scale, in.rows, stats,
                           [&](int i, float value) { out[i] = value; });
}

constexpr int kParts = 4;

// Block blockIdx.y of the split over gridDim.y blocks: its key_range scored and its warps merged into
// parts + blockIdx.y * part_floats.
template <class T, int MC>
__global__ void attend_part_kernel(const float* q, const T* k, const T* v, int64_t keys, int64_t own,
                                   const float* k_own, const float* v_own, int dim, float scale, float* parts) {
  LB_DYNAMIC_SHARED(float, shared);
  LB_SHARED_ARRAY(float, stats, 64);
  const Staged in = stage_inputs(shared, q, own, k_own, v_own, dim);
  int64_t begin = 0, end = 0;
  da::key_range(keys, static_cast<int>(blockIdx.y), static_cast<int>(gridDim.y), begin, end);
  da::attend_keys<T, MC>(in.qf, k, v, begin, end, own, in.ko, in.vo, dim, scale, in.rows, stats);
  da::block_part(in.rows, stats, dim, parts + blockIdx.y * da::part_floats(dim));
}

template <int P>
__global__ void merge_kernel(const float* parts, int dim, float* out) {
  da::merge_parts<P>([&](int p) { return parts + p * da::part_floats(dim); }, dim,
                          [&](int i, float value) { out[i] = value; });
}

void key_ranges() {
  for (int64_t keys : {1, 3, 4, 5, 131, 8192}) {
    int64_t next = 0, most = 0;
    for (int p = 0; p < kParts; ++p) {
      int64_t begin = 0, end = 0;
      da::key_range(keys, p, kParts, begin, end);
      CHECK(begin == next && end >= begin);
      most = std::max(most, end - begin);
      next = end;
    }
    CHECK(next == keys);
    CHECK(most == (keys + kParts - 1) / kParts);
  }
}

template <class T>
void attention_case(int dim, int64_t keys, bool own_copy, unsigned threads, std::mt19937& rng, int split = 1) {
  const std::string what = std::string("attend_online ") + (sizeof(T) == 4 ? "f32" : std::is_same_v<T, __half> ? "f16" : "bf16") +
                           " dim=" + std::to_string(dim) + " keys=" + std::to_string(keys) + " own=" +
                           std::to_string(own_copy) + " threads=" + std::to_string(threads) + " parts=" + std::to_string(split);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> q(dim), ko(dim), vo(dim);
  std::vector<T> k(static_cast<size_t>(keys) * dim), v(k.size());
  for (auto& x : q) x = from_t(to_t<T>(normal(rng)));
  for (size_t i = 0; i < k.size(); ++i) {
    k[i] = to_t<T>(normal(rng));
    v[i] = to_t<T>(normal(rng));
  }
  const int64_t own = own_copy ? keys - 1 : -1;
  if (own >= 0) {  // the kernel must take this row from its copy: the cache holds NaN there
    for (int i = 0; i < dim; ++i) {
      ko[i] = from_t(to_t<T>(normal(rng)));
      vo[i] = from_t(to_t<T>(normal(rng)));
      k[own * dim + i] = to_t<T>(NAN);
      v[own * dim + i] = to_t<T>(NAN);
    }
  }
  const float scale = 1.0f / std::sqrt(static_cast<float>(dim));
  const auto key_at = [&](int64_t j, int i) -> double { return j == own ? ko[i] : from_t(k[j * dim + i]); };
  const auto value_at = [&](int64_t j, int i) -> double { return j == own ? vo[i] : from_t(v[j * dim + i]); };
  std::vector<double> s(keys);
  double top = -INFINITY;
  for (int64_t j = 0; j < keys; ++j) {
    double d = 0.0;
    for (int i = 0; i < dim; ++i) d += static_cast<double>(q[i]) * key_at(j, i);
    s[j] = d * scale;
    top = std::max(top, s[j]);
  }
  double total = 0.0;
  for (auto& x : s) total += (x = std::exp(x - top));
  std::vector<double> want(dim, 0.0);
  for (int64_t j = 0; j < keys; ++j)
    for (int i = 0; i < dim; ++i) want[i] += s[j] / total * value_at(j, i);

  std::vector<float> got(dim, NAN);
  const size_t shared = (3 + threads / 32) * static_cast<size_t>(dim) * sizeof(float);
  if (split > 1) {
    std::vector<float> parts(static_cast<size_t>(split) * da::part_floats(dim), NAN);
    const dim3 grid(1, static_cast<unsigned>(split), 1);
    if (dim <= 128) {
      emu::launch(grid, threads, shared, attend_part_kernel<T, da::lane_chunks<T>(128)>, q.data(),
                  static_cast<const T*>(k.data()), static_cast<const T*>(v.data()), keys, own,
                  static_cast<const float*>(ko.data()), static_cast<const float*>(vo.data()), dim, scale,
                  parts.data());
    } else {
      emu::launch(grid, threads, shared, attend_part_kernel<T, da::lane_chunks<T>(da::kMaxDim)>,
                  q.data(), static_cast<const T*>(k.data()), static_cast<const T*>(v.data()), keys, own,
                  static_cast<const float*>(ko.data()), static_cast<const float*>(vo.data()), dim, scale,
                  parts.data());
    }
    emu::launch(dim3(1, 1, 1), threads, 0, split == 2 ? merge_kernel<2> : split == 8 ? merge_kernel<8> : merge_kernel<kParts>,
                static_cast<const float*>(parts.data()), dim, got.data());
  } else if (dim <= 128) {
    emu::launch(dim3(1, 1, 1), threads, shared, attend_kernel<T, da::lane_chunks<T>(128)>, q.data(),
                static_cast<const T*>(k.data()), static_cast<const T*>(v.data()), keys, own,
                static_cast<const float*>(ko.data()), static_cast<const float*>(vo.data()), dim, scale, got.data());
  } else {
    emu::launch(dim3(1, 1, 1), threads, shared, attend_kernel<T, da::lane_chunks<T>(da::kMaxDim)>, q.data(),
                static_cast<const T*>(k.data()), static_cast<const T*>(v.data()), keys, own,
                static_cast<const float*>(ko.data()), static_cast<const float*>(vo.data()), dim, scale, got.data());
  }
  double worst = 0.0;
  for (int i = 0; i < dim; ++i) {
    const double err = std::fabs(static_cast<double>(got[i]) - want[i]);
    worst = std::isnan(got[i]) ? INFINITY : std::max(worst, err);
  }
  if (!(worst <= 2e-5)) check::fail(__FILE__, __LINE__, what + ": max error " + std::to_string(worst));
}

template <class T>
void attention_cases(std::mt19937& rng) {
  const int chunk = da::chunk_elems<T>();
  for (int dim : {chunk, 40, 64, 128, 136, 256}) {
    if (dim % chunk != 0) continue;
    for (int64_t keys : {1, 5, 32, 33, 100, 257}) {
      attention_case<T>(dim, keys, keys > 1, 256, rng);
      attention_case<T>(dim, keys, keys > 1, 256, rng, kParts);  // 1 key: three parts without keys
      attention_case<T>(dim, keys, keys > 1, 256, rng, 2);
      if (keys == 5 || keys == 257) attention_case<T>(dim, keys, keys > 1, 256, rng, 8);  // 5: three parts without keys
    }
    attention_case<T>(dim, 70, false, 64, rng);  // 2 warps: 8 keys per round
    attention_case<T>(dim, 70, true, 64, rng, kParts);
  }
}

void applicability() {
  alignas(16) static unsigned char buffer[64];
  CHECK(da::online_applies(128, 2, buffer, buffer));
  CHECK(da::online_applies(8, 2, buffer, buffer));
  CHECK(!da::online_applies(12, 2, buffer, buffer));     // not whole 16-byte chunks
  CHECK(da::online_applies(12, 4, buffer, buffer));
  CHECK(!da::online_applies(264, 2, buffer, buffer));    // past kMaxDim
  CHECK(!da::online_applies(128, 2, buffer + 8, buffer));  // unaligned rows
  CHECK(!da::online_applies(0, 2, buffer, buffer));
}

}  // namespace

int main() {
  std::mt19937 rng(7);
  applicability();
  key_ranges();
  attention_cases<float>(rng);
  attention_cases<__half>(rng);
  attention_cases<__nv_bfloat16>(rng);
  return check::finish("test_decode_attention_emulated");
}
