// The decode step of a Decoder captured in a CUDA graph: static token and position tensors on the
// device, attention over all max_seq cache entries with positions beyond the current one masked, so
// one capture serves every step. Capture happens on the first step (after an eager warm-up on the
// same side stream); if it fails (an op that cannot be captured), the step runs eagerly from then on.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
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
  // False once capturing failed (failure() says why).
  bool active() const;
  const std::string& failure() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lb::infer
