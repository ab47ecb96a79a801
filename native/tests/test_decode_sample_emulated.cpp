// The device sampler (kernels/cuda/decode_sample.cuh) run on the host through cuda_emulation.h, against a plain
// reference of its contract: p = expf((l - max) / T), the kept set the smallest most-likely-first prefix (ties by id)
// whose mass reaches top_p * sum, the draw u * (kept mass) walked in id order over the kept tokens. Vocabularies of
// one token to 32000, peaked, flat and tied logits, top_p from "only the best" to 1, 64 and 256 threads; a
// non-finite logit is reported (its lowest id); and u spread evenly over [0, 1) picks each kept token in proportion
// to its probability. Every other case keeps p in a global workspace instead of (padded) shared memory. top_p < 1 takes
// the radix search up to kRadixMaxVocab ids and the 4-ary search above (the 300000-id cases).
#include "cuda_emulation.h"
// the kernel body, after the emulation layer
#include "kernels/cuda/decode_sample.cuh"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "sample_reference.h"

namespace {

namespace ds = lb::kernels::decode_sample;

__global__ void sample_kernel(const float* logits, float* logits_out, float* p_global, bool p_in_shared, int64_t vocab,
                              float temperature, float top_p, double u, int64_t* token, int64_t* bad, bool radix) {
  LB_DYNAMIC_SHARED(unsigned char, raw);
  const ds::Scratch s = ds::scratch_at(raw, static_cast<int>(blockDim.x));
  const ds::PBuf p = p_in_shared ? ds::PBuf{reinterpret_cast<float*>(raw + ds::scratch_bytes(blockDim.x)), true}
                                 : ds::PBuf{p_global, false};
  const ds::Picked r = ds::sample([logits](int64_t i) { return logits[i]; }, logits_out, p, vocab, temperature, top_p,
                                  u, s, radix);
  if (threadIdx.x == 0) {
    *token = r.token;
    *bad = r.bad_index;
  }
}

// 1e-9: the kernel's sums in double against the reference's, both from the same f32 p
sample_ref::Drawn reference(const std::vector<float>& logits, float temperature, float top_p, double u) {
  return sample_ref::draw(logits, temperature, top_p, u, 1e-9);
}

// p in shared memory (padded, as the CUDA launch places it where it fits) or in a global workspace; the logits copy
// the kernel writes must equal its input.
int64_t device_draw(const std::vector<float>& logits, float temperature, float top_p, double u, unsigned threads,
                    int64_t* bad = nullptr, bool p_in_shared = true, bool radix = true) {
  const int64_t vocab = static_cast<int64_t>(logits.size());
  std::vector<float> p(logits.size(), NAN), out(logits.size(), NAN);
  int64_t token = -7, bad_index = -7;
  emu::launch(dim3(1, 1, 1), threads, ds::sample_shared_bytes(static_cast<int>(threads), vocab, p_in_shared),
              sample_kernel, static_cast<const float*>(logits.data()), out.data(), p.data(), p_in_shared, vocab,
              temperature, top_p, u, &token, &bad_index, radix);
  if (bad != nullptr) *bad = bad_index;
  CHECK(std::memcmp(out.data(), logits.data(), logits.size() * sizeof(float)) == 0);
  return token;
}

int cases = 0, near_skipped = 0;

void draw_cases(std::mt19937& rng) {
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (int64_t vocab : {int64_t{1}, int64_t{2}, int64_t{5}, int64_t{63}, int64_t{64}, int64_t{65}, int64_t{300},
                        int64_t{32000}, int64_t{300000}}) {  // 300000: past the radix search's limit
    for (int shape = 0; shape < 3; ++shape) {  // 0: peaked, 1: flat, 2: ties (coarse levels)
      std::normal_distribution<float> normal(0.0f, shape == 0 ? 4.0f : shape == 1 ? 0.3f : 1.0f);
      std::vector<float> logits(static_cast<size_t>(vocab));
      for (auto& l : logits) l = shape == 2 ? std::round(normal(rng) * 2.0f) / 2.0f : normal(rng);
      for (float temperature : {0.8f, 1.3f}) {
        for (float top_p : {1e-6f, 0.5f, 0.9f, 1.0f}) {
          const double u = cases % 7 == 0 ? 0.0 : cases % 7 == 1 ? 0.999999 : uniform(rng);
          const unsigned threads = vocab > 1000 ? 256 : 64;
          const sample_ref::Drawn want = reference(logits, temperature, top_p, u);
          // every third draw takes the 16-pass search where the radix cut would apply (the A/B switch's other side)
          const int64_t got = device_draw(logits, temperature, top_p, u, threads, nullptr, cases % 2 == 0, cases % 3 != 0);
          ++cases;
          if (got != want.token && want.near_boundary) {
            ++near_skipped;
            continue;
          }
          if (got != want.token) {
            check::fail(__FILE__, __LINE__, "vocab=" + std::to_string(vocab) + " shape=" + std::to_string(shape) +
                                                " T=" + std::to_string(temperature) + " top_p=" +
                                                std::to_string(top_p) + " u=" + std::to_string(u) + ": token " +
                                                std::to_string(got) + ", expected " + std::to_string(want.token));
          }
        }
      }
    }
  }
}

// u = (k + 0.5) / n for k < n: token i is drawn round(n * p_i / kept mass) times (+-1), in id order.
void proportions() {
  const std::vector<float> logits = {0.0f, 2.0f, -1.0f, 2.0f, 0.5f};  // ids 1 and 3 tie for the top
  const float temperature = 1.0f;
  std::vector<double> p(logits.size());
  double sum = 0;
  for (size_t i = 0; i < p.size(); ++i) sum += p[i] = expf((logits[i] - 2.0f) / temperature);
  for (float top_p : {1.0f, 0.6f}) {
    // top_p 0.6: ids 1 and 3 hold 2 / sum = 0.63 of the mass: the kept set is {1, 3}
    std::vector<char> kept(p.size(), 1);
    if (top_p < 1.0f) kept = {0, 1, 0, 1, 0};
    double kept_mass = 0;
    for (size_t i = 0; i < p.size(); ++i) kept_mass += kept[i] ? p[i] : 0.0;
    constexpr int n = 200;
    std::vector<int> count(p.size(), 0);
    for (int k = 0; k < n; ++k) ++count[static_cast<size_t>(device_draw(logits, temperature, top_p, (k + 0.5) / n, 32))];
    for (size_t i = 0; i < p.size(); ++i) {
      const double want = kept[i] ? n * p[i] / kept_mass : 0.0;
      if (!(std::fabs(count[i] - want) <= 1.0)) {
        check::fail(__FILE__, __LINE__, "top_p " + std::to_string(top_p) + ": id " + std::to_string(i) + " drawn " +
                                            std::to_string(count[i]) + " times of " + std::to_string(n) + ", expected " +
                                            std::to_string(want));
      }
    }
  }
}

void non_finite() {
  std::vector<float> logits(100, 0.5f);
  logits[40] = 3.0f;
  logits[77] = NAN;
  logits[90] = INFINITY;
  int64_t bad = -1;
  for (bool p_in_shared : {true, false}) {
    const int64_t token = device_draw(logits, 1.0f, 0.9f, 0.5, 64, &bad, p_in_shared);
    CHECK(bad == 77);
    CHECK(token == 40);  // the max of the finite logits, as the greedy kernel reports
  }
  logits[77] = 0.5f;
  logits[90] = 0.5f;
  device_draw(logits, 1.0f, 0.9f, 0.5, 64, &bad);
  CHECK(bad == -1);
}

}  // namespace

int main() {
  std::mt19937 rng(11);
  draw_cases(rng);
  proportions();
  non_finite();
  std::printf("device sampler: %d draws as the reference (%d near a rounding boundary, not compared)\n", cases,
              near_skipped);
  CHECK(near_skipped * 20 < cases);
  return check::finish("test_decode_sample_emulated");
}
