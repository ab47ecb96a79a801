#include "src/infer/decode_graph.h"

#include <ATen/ops/empty.h>
#include <ATen/ops/full.h>
#include <ATen/ops/zeros.h>

#include "src/error.h"
#include "src/infer/decoder.h"

#if LOWBIT_WITH_CUDA
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <functional>
#include <optional>
#include <cuda_runtime_api.h>

#include "kernels/cuda/decode_cuda.h"
#include "src/cuda_device.h"
#endif

namespace lb::infer {

#if LOWBIT_WITH_CUDA

namespace {
kernels::DecodeType decode_type_of(c10::ScalarType t) {
  switch (t) {
    case c10::ScalarType::Half: return kernels::DecodeType::F16;
    case c10::ScalarType::BFloat16: return kernels::DecodeType::BF16;
    case c10::ScalarType::Float: return kernels::DecodeType::F32;
    default: throw_unsupported(std::string("the decode graph's greedy pick takes F32, F16 or BF16 logits, not ") +
                               c10::toString(t));
  }
}

void check_cuda(cudaError_t status, const char* what) {
  if (status != cudaSuccess) throw Error(LB_ERR_CUDA, std::string(what) + " failed: " + cudaGetErrorString(status));
}

// The first position whose step takes the long-context graph (attention keys split over a cluster,
// decode_attention_set_split): LOWBIT_DECODE_ATTENTION_SPLIT_FROM, default 160. Over a run's mean context the split
// starts to pay at ~175 cache entries for int2 and ~120 for fp16 (H200, 2026-12-04, docs/BENCHMARKS.md, generation).
int64_t split_from_env() {
  const char* v = std::getenv("LOWBIT_DECODE_ATTENTION_SPLIT_FROM");
  if (v == nullptr || *v == '\0') return 160;
  const long long n = std::atoll(v);
  return n < 0 ? 0 : n;
}

// The attention split for the launches of the calling thread while it lives (a graph's capture).
class ThreadSplit {
 public:
  explicit ThreadSplit(int parts) { kernels::decode_attention_set_split_for_thread(parts); }
  ~ThreadSplit() { kernels::decode_attention_set_split_for_thread(-1); }
  ThreadSplit(const ThreadSplit&) = delete;
  ThreadSplit& operator=(const ThreadSplit&) = delete;
};
}  // namespace

struct DecodeGraph::Impl {
  explicit Impl(Decoder& d) : decoder(d) {}
  ~Impl() {
    if (stream) cudaStreamSynchronize(stream->stream());  // a step queued ahead may still write the results
    for (cudaEvent_t e : done) {
      if (e != nullptr) cudaEventDestroy(e);
    }
    if (results != nullptr) cudaFreeHost(results);
    if (sample_input != nullptr) cudaFreeHost(sample_input);
  }
  Decoder& decoder;
  std::optional<c10::cuda::CUDAStream> stream;
  // The step captured twice over the same static buffers: [0] attention in one block per head, for positions before
  // split_from; [1] keys split over a cluster, from split_from on (null where the split is off or never reached).
  std::unique_ptr<at::cuda::CUDAGraph> graphs[2];
  // The same step ending with the sampled pick (decode_sample_cuda) in place of the greedy one, captured at the first
  // sampled step; as graphs.
  std::unique_ptr<at::cuda::CUDAGraph> sampled_graphs[2];
  bool sampled_captured = false, sampled_failed = false;
  std::string sampled_failure;
  int64_t split_from = 0;
  at::Tensor token, position, logits;  // static buffers of the captured step
  at::Tensor greedy_workspace, sample_workspace;
  // What the sampled graphs read each replay (host-mapped): temperature, top_p, the uniform draw per position parity.
  kernels::DecodeSampleInput* sample_input = nullptr;
  kernels::DecodeSampleInput* sample_input_device = nullptr;
  // The uniform drawn for a step queued ahead: a step re-run at that position (another input token) takes the same.
  double ahead_u = 0;
  int64_t ahead_u_position = -1;
  bool captured = false;
  bool failed = false;
  std::string failure;
  // The greedy pick's two result slots (host-mapped: the graph writes them) and the events of the steps that write
  // them, slot = position & 1.
  kernels::DecodeGreedyResult* results = nullptr;
  kernels::DecodeGreedyResult* results_device = nullptr;
  cudaEvent_t done[2] = {nullptr, nullptr};
  // A step queued ahead that the host has not read: its position and its input, the token the step before returned.
  bool ahead = false, ahead_sampled = false;
  int64_t ahead_position = -1, ahead_input = -1;

  void allocate_results() {
    check_cuda(cudaHostAlloc(reinterpret_cast<void**>(&results), 2 * sizeof(kernels::DecodeGreedyResult),
                             cudaHostAllocMapped),
               "cudaHostAlloc of the greedy results (pinned host memory)");
    check_cuda(cudaHostGetDevicePointer(reinterpret_cast<void**>(&results_device), results, 0),
               "cudaHostGetDevicePointer");
    for (cudaEvent_t& e : done) check_cuda(cudaEventCreateWithFlags(&e, cudaEventDisableTiming), "cudaEventCreate");
  }

  at::cuda::CUDAGraph& graph_for(int64_t p, bool sampled = false) {
    auto& g = sampled ? sampled_graphs : graphs;
    return g[1] && p >= split_from ? *g[1] : *g[0];
  }

  void replay(int64_t p, bool sampled = false) {
    graph_for(p, sampled).replay();
    check_cuda(cudaEventRecord(done[p & 1], stream->stream()), "cudaEventRecord");
  }

  // The pick at the end of the step: greedy, or sampled from sample_input.
  void pick(const at::Tensor& raw, bool sampled) {
    if (sampled) {
      check_cuda(kernels::decode_sample_cuda(decode_type_of(raw.scalar_type()), raw.data_ptr(),
                                             logits.data_ptr<float>(), logits.numel(), token.data_ptr<int64_t>(),
                                             position.data_ptr<int64_t>(), results_device, sample_input_device,
                                             sample_workspace.data_ptr(), stream->stream()),
                 "decode_sample_cuda");
      return;
    }
    check_cuda(kernels::decode_greedy_cuda(decode_type_of(raw.scalar_type()), raw.data_ptr(),
                                           logits.data_ptr<float>(), logits.numel(), token.data_ptr<int64_t>(),
                                           position.data_ptr<int64_t>(), results_device,
                                           greedy_workspace.data_ptr(), stream->stream()),
               "decode_greedy_cuda");
  }

  // Captures the step and its pick with the attention split `parts` (1: none, < 0: the process setting).
  std::unique_ptr<at::cuda::CUDAGraph> capture(int parts, bool sampled = false) {
    const ThreadSplit split(parts);
    pending = std::make_unique<at::cuda::CUDAGraph>();
    pending->capture_begin();
    pick(decoder.forward_raw(token, position, decoder.max_seq()), sampled);
    pending->capture_end();
    return std::move(pending);
  }

  // The sampled graphs, once: an eager step first (the token at its position: the same cache entry the replay
  // writes) so the sampler kernel is loaded outside the capture.
  void capture_sampled() {
    check_cuda(cudaHostAlloc(reinterpret_cast<void**>(&sample_input), sizeof(kernels::DecodeSampleInput),
                             cudaHostAllocMapped),
               "cudaHostAlloc of the sampler's input (pinned host memory)");
    check_cuda(cudaHostGetDevicePointer(reinterpret_cast<void**>(&sample_input_device), sample_input, 0),
               "cudaHostGetDevicePointer");
    *sample_input = kernels::DecodeSampleInput{1.0f, 1.0f, {0.0, 0.0}};
    sample_workspace = at::empty({static_cast<int64_t>(kernels::decode_sample_workspace_bytes(logits.numel()))},
                                 logits.options().dtype(at::kByte));
    pick(decoder.forward_raw(token, position, decoder.max_seq()), true);
    check_cuda(cudaStreamSynchronize(stream->stream()), "the sampler's warm-up step");
    sampled_graphs[0] = capture(1, true);
    if (graphs[1]) sampled_graphs[1] = capture(-1, true);
    sampled_captured = true;
  }

  // The uniform of the step at p: the one drawn when it was queued ahead, else a new draw.
  double uniform_for(int64_t p, const std::function<double()>& next_uniform) {
    if (ahead_u_position == p) {
      ahead_u_position = -1;
      return ahead_u;
    }
    return next_uniform();
  }
  std::unique_ptr<at::cuda::CUDAGraph> pending;  // the graph being captured

  at::Tensor eager(int64_t t, int64_t p) {
    const auto options = at::TensorOptions().dtype(at::kLong).device(decoder.device());
    return decoder.forward(at::full({1}, t, options), at::full({1}, p, options), p + 1, false).to(at::kCPU);
  }

  // Ends a capture left open by an exception and clears CUDA's last error.
  void abandon_capture() {
    cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
    if (cudaStreamIsCapturing(stream->stream(), &status) == cudaSuccess && status != cudaStreamCaptureStatusNone) {
      cudaGraph_t partial = nullptr;
      cudaStreamEndCapture(stream->stream(), &partial);
      if (partial != nullptr) cudaGraphDestroy(partial);
    }
    cudaGetLastError();
    // A CUDAGraph whose capture broke off may not be destroyed safely: leave the small object behind.
    (void)pending.release();
  }
};

DecodeGraph::DecodeGraph(Decoder& decoder) : impl_(std::make_unique<Impl>(decoder)) {}
DecodeGraph::~DecodeGraph() = default;

bool DecodeGraph::active() const { return !impl_->failed; }
const std::string& DecodeGraph::failure() const { return impl_->failure; }

bool DecodeGraph::captured() const { return impl_->captured; }

at::Tensor DecodeGraph::step(int64_t token, int64_t position) {
  Impl& s = *impl_;
  if (s.failed) return s.eager(token, position);
  cancel_ahead();
  const c10::Device device = s.decoder.device();
  // Work queued on the default stream (weights, prefill) must be done before the side stream reads it.
  lb::cuda::synchronize(device.index());
  if (!s.stream) s.stream = c10::cuda::getStreamFromPool(/*isHighPriority=*/false, device.index());
  c10::cuda::CUDAStreamGuard guard(*s.stream);
  if (!s.captured) {
    const auto options = at::TensorOptions().dtype(at::kLong).device(device);
    s.token = at::full({1}, token, options);
    s.position = at::full({1}, position, options);
    // Warm-up on the side stream: lazy initialisations (cuBLAS workspaces) happen outside the capture.
    at::Tensor warm = s.decoder.forward(s.token, s.position, s.decoder.max_seq(), false).to(at::kCPU);
    try {
      s.allocate_results();
      const int64_t vocab = warm.numel();
      s.logits = at::empty({vocab}, options.dtype(at::kFloat));
      s.greedy_workspace = at::zeros({static_cast<int64_t>(kernels::decode_greedy_workspace_bytes(vocab))},
                                     options.dtype(at::kByte));
      s.graphs[0] = s.capture(1);
      s.split_from = split_from_env();
      if (kernels::decode_attention_split_parts() > 1 && s.split_from < s.decoder.max_seq()) s.graphs[1] = s.capture(-1);
      s.captured = true;
    } catch (const std::exception& e) {
      s.failed = true;
      s.failure = e.what();
      s.abandon_capture();
      return warm;  // the warm-up already ran this step
    }
  }
  s.token.fill_(token);
  s.position.fill_(position);
  s.graph_for(position).replay();
  return s.logits.to(at::kCPU);
}

void DecodeGraph::cancel_ahead() {
  Impl& s = *impl_;
  s.ahead_u_position = -1;
  if (!s.ahead) return;
  s.ahead = false;
  check_cuda(cudaStreamSynchronize(s.stream->stream()), "waiting for the decode step queued ahead");
}

int64_t DecodeGraph::step_greedy(int64_t token, int64_t position) { return step_pick(token, position, nullptr); }

int64_t DecodeGraph::sample_logits(int64_t position, float temperature, float top_p, double u) {
  Impl& s = *impl_;
  if (!s.sampled_captured) throw Error(LB_ERR_INTERNAL, "sample_logits before prepare_sampled");
  c10::cuda::CUDAStreamGuard guard(*s.stream);
  cancel_ahead();
  const int slot = static_cast<int>(position & 1);
  s.sample_input->temperature = temperature;
  s.sample_input->top_p = top_p;
  s.sample_input->u[slot] = u;
  s.position.fill_(position);
  float* logits = s.logits.data_ptr<float>();
  check_cuda(kernels::decode_sample_cuda(kernels::DecodeType::F32, logits, logits, s.logits.numel(),
                                         s.token.data_ptr<int64_t>(), s.position.data_ptr<int64_t>(), s.results_device,
                                         s.sample_input_device, s.sample_workspace.data_ptr(), s.stream->stream()),
             "decode_sample_cuda");
  check_cuda(cudaStreamSynchronize(s.stream->stream()), "the sampled pick");
  const kernels::DecodeGreedyResult r = s.results[slot];
  if (r.bad_index >= 0) {
    throw Error(LB_ERR_INTERNAL, "logits[" + std::to_string(r.bad_index) + "]=" + std::to_string(r.bad_value) +
                                     " is not finite (the model produced NaN/Inf)");
  }
  return r.token;
}

bool DecodeGraph::prepare_sampled(int64_t token, int64_t position) {
  Impl& s = *impl_;
  if (s.sampled_captured) return true;
  if (s.sampled_failed || !s.captured) return false;
  c10::cuda::CUDAStreamGuard guard(*s.stream);
  cancel_ahead();
  lb::cuda::synchronize(s.decoder.device().index());
  s.token.fill_(token);
  s.position.fill_(position);
  try {
    s.capture_sampled();
  } catch (const std::exception& e) {
    s.sampled_failed = true;
    s.sampled_failure = e.what();
    s.abandon_capture();
    return false;
  }
  return true;
}

int64_t DecodeGraph::step_sampled(int64_t token, int64_t position, float temperature, float top_p,
                                  const std::function<double()>& next_uniform) {
  const SampleRequest request{temperature, top_p, &next_uniform};
  return step_pick(token, position, &request);
}

int64_t DecodeGraph::step_pick(int64_t token, int64_t position, const SampleRequest* sampled) {
  Impl& s = *impl_;
  if (!s.captured) throw Error(LB_ERR_INTERNAL, "step_greedy before the decode graph was captured");
  c10::cuda::CUDAStreamGuard guard(*s.stream);
  const int slot = static_cast<int>(position & 1);
  const bool is_sampled = sampled != nullptr;
  const bool same_settings = !is_sampled || (s.sample_input != nullptr &&
                                              s.sample_input->temperature == sampled->temperature &&
                                              s.sample_input->top_p == sampled->top_p);
  const bool queued = s.ahead && s.ahead_position == position && s.ahead_input == token &&
                      s.ahead_sampled == is_sampled && same_settings;
  if (queued) {
    s.ahead_u_position = -1;  // the queued step took its draw
  } else {
    // a step queued ahead at this position but for another token is run again with the same draw
    const double u = is_sampled ? s.uniform_for(position, *sampled->next_uniform) : 0.0;
    cancel_ahead();
    lb::cuda::synchronize(s.decoder.device().index());  // work on the default stream (prefill) must be done
    if (is_sampled) {
      if (!s.sampled_captured) throw Error(LB_ERR_INTERNAL, "step_sampled before prepare_sampled");
      s.sample_input->temperature = sampled->temperature;
      s.sample_input->top_p = sampled->top_p;
      s.sample_input->u[slot] = u;
    }
    s.token.fill_(token);
    s.position.fill_(position);
    s.replay(position, is_sampled);
  }
  s.ahead = false;
  s.ahead_input = -1;
  if (position + 1 < s.decoder.max_seq()) {  // the step after: its input and position come from this one
    if (is_sampled) {  // the step at position - 1 (same slot) has been read: its u may be replaced
      s.ahead_u = (*sampled->next_uniform)();
      s.ahead_u_position = position + 1;
      s.sample_input->u[1 - slot] = s.ahead_u;
    }
    s.replay(position + 1, is_sampled);
    s.ahead = true;
    s.ahead_sampled = is_sampled;
    s.ahead_position = position + 1;
  }
  check_cuda(cudaEventSynchronize(s.done[slot]), "the decode step");
  const kernels::DecodeGreedyResult r = s.results[slot];
  if (r.position != position) {
    throw Error(LB_ERR_INTERNAL, "the greedy result is for position " + std::to_string(r.position) + ", expected " +
                                     std::to_string(position));
  }
  if (r.bad_index >= 0) {
    throw Error(LB_ERR_INTERNAL, "logits[" + std::to_string(r.bad_index) + "]=" + std::to_string(r.bad_value) +
                                     " is not finite (the model produced NaN/Inf)");
  }
  s.ahead_input = r.token;
  return r.token;
}

#else  // no CUDA in this build: a Decoder never asks for a graph (it needs a CUDA device)

struct DecodeGraph::Impl {
  std::string failure = "this liblowbit was built without CUDA";
};

DecodeGraph::DecodeGraph(Decoder&) : impl_(std::make_unique<Impl>()) {}
DecodeGraph::~DecodeGraph() = default;
bool DecodeGraph::active() const { return false; }
bool DecodeGraph::captured() const { return false; }
int64_t DecodeGraph::step_greedy(int64_t, int64_t) { throw_unsupported(impl_->failure); }
int64_t DecodeGraph::step_sampled(int64_t, int64_t, float, float, const std::function<double()>&) {
  throw_unsupported(impl_->failure);
}
int64_t DecodeGraph::step_pick(int64_t, int64_t, const SampleRequest*) { throw_unsupported(impl_->failure); }
bool DecodeGraph::prepare_sampled(int64_t, int64_t) { return false; }
int64_t DecodeGraph::sample_logits(int64_t, float, float, double) { throw_unsupported(impl_->failure); }
void DecodeGraph::cancel_ahead() {}
const std::string& DecodeGraph::failure() const { return impl_->failure; }
at::Tensor DecodeGraph::step(int64_t, int64_t) { throw_unsupported(impl_->failure); }

#endif

}  // namespace lb::infer
