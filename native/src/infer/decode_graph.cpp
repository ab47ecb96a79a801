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
  }
  Decoder& decoder;
  std::optional<c10::cuda::CUDAStream> stream;
  // The step captured twice over the same static buffers: [0] attention in one block per head, for positions before
  // split_from; [1] keys split over a cluster, from split_from on (null where the split is off or never reached).
  std::unique_ptr<at::cuda::CUDAGraph> graphs[2];
  int64_t split_from = 0;
  at::Tensor token, position, logits;  // static buffers of the captured step
  at::Tensor greedy_workspace;
  bool captured = false;
  bool failed = false;
  std::string failure;
  // The greedy pick's two result slots (host-mapped: the graph writes them) and the events of the steps that write
  // them, slot = position & 1.
  kernels::DecodeGreedyResult* results = nullptr;
  kernels::DecodeGreedyResult* results_device = nullptr;
  cudaEvent_t done[2] = {nullptr, nullptr};
  // A step queued ahead that the host has not read: its position and its input, the token the step before returned.
  bool ahead = false;
  int64_t ahead_position = -1, ahead_input = -1;

  void allocate_results() {
    check_cuda(cudaHostAlloc(reinterpret_cast<void**>(&results), 2 * sizeof(kernels::DecodeGreedyResult),
                             cudaHostAllocMapped),
               "cudaHostAlloc of the greedy results (pinned host memory)");
    check_cuda(cudaHostGetDevicePointer(reinterpret_cast<void**>(&results_device), results, 0),
               "cudaHostGetDevicePointer");
    for (cudaEvent_t& e : done) check_cuda(cudaEventCreateWithFlags(&e, cudaEventDisableTiming), "cudaEventCreate");
  }

  at::cuda::CUDAGraph& graph_for(int64_t p) { return graphs[1] && p >= split_from ? *graphs[1] : *graphs[0]; }

  void replay(int64_t p) {
    graph_for(p).replay();
    check_cuda(cudaEventRecord(done[p & 1], stream->stream()), "cudaEventRecord");
  }

  // Captures the step and its greedy pick with the attention split `parts` (1: none, < 0: the process setting).
  std::unique_ptr<at::cuda::CUDAGraph> capture(int parts) {
    const ThreadSplit split(parts);
    pending = std::make_unique<at::cuda::CUDAGraph>();
    pending->capture_begin();
    const at::Tensor raw = decoder.forward_raw(token, position, decoder.max_seq());
    check_cuda(kernels::decode_greedy_cuda(decode_type_of(raw.scalar_type()), raw.data_ptr(),
                                           logits.data_ptr<float>(), logits.numel(), token.data_ptr<int64_t>(),
                                           position.data_ptr<int64_t>(), results_device,
                                           greedy_workspace.data_ptr(), stream->stream()),
               "decode_greedy_cuda");
    pending->capture_end();
    return std::move(pending);
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
  if (!s.ahead) return;
  s.ahead = false;
  check_cuda(cudaStreamSynchronize(s.stream->stream()), "waiting for the decode step queued ahead");
}

int64_t DecodeGraph::step_greedy(int64_t token, int64_t position) {
  Impl& s = *impl_;
  if (!s.captured) throw Error(LB_ERR_INTERNAL, "step_greedy before the decode graph was captured");
  c10::cuda::CUDAStreamGuard guard(*s.stream);
  const int slot = static_cast<int>(position & 1);
  if (!(s.ahead && s.ahead_position == position && s.ahead_input == token)) {
    cancel_ahead();
    lb::cuda::synchronize(s.decoder.device().index());  // work on the default stream (prefill) must be done
    s.token.fill_(token);
    s.position.fill_(position);
    s.replay(position);
  }
  s.ahead = false;
  s.ahead_input = -1;
  if (position + 1 < s.decoder.max_seq()) {  // the step after: its input and position come from this one
    s.replay(position + 1);
    s.ahead = true;
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
void DecodeGraph::cancel_ahead() {}
const std::string& DecodeGraph::failure() const { return impl_->failure; }
at::Tensor DecodeGraph::step(int64_t, int64_t) { throw_unsupported(impl_->failure); }

#endif

}  // namespace lb::infer
