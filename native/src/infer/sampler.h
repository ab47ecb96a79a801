// Picks the next token from f32 logits on the host: greedy, or temperature + top-p with a seeded RNG.
#pragma once

#include <cstdint>
#include <random>

namespace lb::infer {

class Sampler {
 public:
  // temperature <= 0: greedy. Throws LB_ERR_INVALID_ARGUMENT for a NaN temperature or top_p outside (0, 1].
  void configure(double temperature, double top_p, uint64_t seed);
  // logits[0..vocab-1]; non-finite logits are an error (names the first).
  int64_t next(const float* logits, int64_t vocab);
  bool greedy() const { return temperature_ <= 0; }
  double temperature() const { return temperature_; }
  double top_p() const { return top_p_; }
  // The next uniform draw in [0, 1) from the top 53 bits of the generator, as next() takes one per sampled token (the
  // device sampler's draws, DecodeGraph::step_sampled).
  double next_uniform() { return static_cast<double>(rng_() >> 11) * (1.0 / 9007199254740992.0); }

 private:
  double temperature_ = 0;
  double top_p_ = 1;
  std::mt19937_64 rng_{0};
};

}  // namespace lb::infer
