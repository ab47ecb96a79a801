#include "src/infer/decode_graph.h"

#include <ATen/ops/full.h>

#include "src/error.h"
#include "src/infer/decoder.h"

#if LOWBIT_WITH_CUDA
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <optional>
#include <cuda_runtime_api.h>

#include "src/cuda_device.h"
#endif

namespace lb::infer {

#if LOWBIT_WITH_CUDA

struct DecodeGraph::Impl {
  explicit Impl(Decoder& d) : decoder(d) {}
  Decoder& decoder;
  std::optional<c10::cuda::CUDAStream> stream;
  std::unique_ptr<at::cuda::CUDAGraph> graph;
  at::Tensor token, position, logits;  // static buffers of the captured step
  bool captured = false;
  bool failed = false;
  std::string failure;

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
    (void)graph.release();
  }
};

DecodeGraph::DecodeGraph(Decoder& decoder) : impl_(std::make_unique<Impl>(decoder)) {}
DecodeGraph::~DecodeGraph() = default;

bool DecodeGraph::active() const { return !impl_->failed; }
const std::string& DecodeGraph::failure() const { return impl_->failure; }

at::Tensor DecodeGraph::step(int64_t token, int64_t position) {
  Impl& s = *impl_;
  if (s.failed) return s.eager(token, position);
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
      s.graph = std::make_unique<at::cuda::CUDAGraph>();
      s.graph->capture_begin();
      s.logits = s.decoder.forward(s.token, s.position, s.decoder.max_seq(), false);
      s.graph->capture_end();
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
  s.graph->replay();
  return s.logits.to(at::kCPU);
}

#else  // no CUDA in this build: a Decoder never asks for a graph (it needs a CUDA device)

struct DecodeGraph::Impl {
  std::string failure = "this liblowbit was built without CUDA";
};

DecodeGraph::DecodeGraph(Decoder&) : impl_(std::make_unique<Impl>()) {}
DecodeGraph::~DecodeGraph() = default;
bool DecodeGraph::active() const { return false; }
const std::string& DecodeGraph::failure() const { return impl_->failure; }
at::Tensor DecodeGraph::step(int64_t, int64_t) { throw_unsupported(impl_->failure); }

#endif

}  // namespace lb::infer
