// The decode step of a Decoder captured in a CUDA graph: static token and position tensors on the
// device, attention over all max_seq cache entries with positions beyond the current one masked, so
// one capture serves every step. Capture happens on the first step (after an eager warm-up on the
// same side stream); if it fails (an op that cannot be captured), the step runs eagerly from then on.
// Where the attention can split a head's keys over a cluster (decode_attention_set_split), the step is
// captured twice: one block per head for positions before LOWBIT_DECODE_ATTENTION_SPLIT_FROM (160), where
// the split's fixed cost outweighs it, and split from there on.
//
// The graph ends with the greedy pick (decode_greedy_cuda): it writes the next token into the input
// buffer and advances the device position, so greedy decoding can queue step p + 1 before the host has
// read step p's token ("ahead"). The host then waits only for the GPU, never the GPU for the host.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace lb::infer {

class Decoder;

class DecodeGraph {
 public:
  explicit DecodeGraph(Decoder& decoder);
  ~DecodeGraph();
  // Logits f32 [vocab] on the CPU of `token` at `position`.
  at::Tensor step(int64_t token, int64_t position);
  // The greedy next token after `token` at `position` (the host sampler's choice), from the captured graph; also
  // queues the step after it, fed with that token on the device, when position + 1 < max_seq. A later call
  // with that token at position + 1 finds its step already queued. Needs captured().
  int64_t step_greedy(int64_t token, int64_t position);
  // The same with a temperature + top-p draw on the device (decode_sample_cuda: the host sampler's distribution, the
  // draw walked in id order) from a graph captured at the first call. next_uniform() gives the draw of each step in
  // [0, 1), one per step run, in position order; the step queued ahead draws when it is queued, and a step run again
  // at that position (another input token) reuses that draw.
  int64_t step_sampled(int64_t token, int64_t position, float temperature, float top_p,
                       const std::function<double()>& next_uniform);
  // Captures the sampled graphs at the first call (an eager step of `token` at `position` first: the cache entry the
  // step writes anyway); false where that failed (the host sampler then serves, as without a graph).
  bool prepare_sampled(int64_t token, int64_t position);
  // The sampled pick of decode_sample_cuda on the logits of the last step run (at `position`), now: the first sampled
  // step, which captured the graphs, draws as the graph's steps do. Needs prepare_sampled.
  int64_t sample_logits(int64_t position, float temperature, float top_p, double u);
  // Waits for a step queued ahead and forgets it; before any other use of the cache or the device buffers.
  void cancel_ahead();
  // False once capturing failed (failure() says why).
  bool active() const;
  bool captured() const;
  const std::string& failure() const;

 private:
  struct SampleRequest {
    float temperature, top_p;
    const std::function<double()>* next_uniform;
  };
  int64_t step_pick(int64_t token, int64_t position, const SampleRequest* sampled);  // sampled NULL: greedy
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lb::infer
