#include "src/kmeans.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <cmath>
#include <cstdlib>
#include <numeric>
#include <queue>
#include <utility>
#include <random>
#include <string>
#include <vector>

#include "kernels/cpu/kmeans_cpu.h"
#include "src/dtypes.h"
#include "src/error.h"
#include "src/tensor_handle.h"

#if LOWBIT_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "kernels/cuda/kmeans_cuda.h"
#endif

namespace lb {
namespace {

constexpr int kMaxDim = 32;

#if LOWBIT_WITH_CUDA
cudaStream_t stream_of(const at::Tensor& t) { return c10::cuda::getCurrentCUDAStream(t.device().index()).stream(); }

void check_launch(cudaError_t status, const char* kernel) {
  if (status != cudaSuccess) {
    throw Error(LB_ERR_CUDA, std::string(kernel) + " CUDA kernel launch failed: " + cudaGetErrorString(status));
  }
}
#endif

bool is_float_type(c10::ScalarType type) {
  return type == at::kFloat || type == at::kHalf || type == at::kBFloat16;
}

void check_device(const at::Tensor& t, const char* name) {
  if (!t.is_cpu() && !t.is_cuda()) throw_unsupported(std::string(name) + ": expected a CPU or CUDA tensor");
#if !LOWBIT_WITH_CUDA
  if (t.is_cuda()) throw_unsupported(std::string(name) + ": CUDA tensor, but liblowbit was built without CUDA");
#endif
}

at::Tensor checked_points(const at::Tensor& points) {
  if (points.dim() != 2) throw_invalid("points: ndim=" + std::to_string(points.dim()) + " (expected 2, [n, d])");
  if (!is_float_type(points.scalar_type())) {
    throw_invalid(std::string("points: dtype=") + dtype_name(points.scalar_type()) + " (expected F32, F16 or BF16)");
  }
  check_device(points, "points");
  const int64_t d = points.size(1);
  if (d < 1 || d > kMaxDim) throw_invalid("points: d=" + std::to_string(d) + " (expected 1..32)");
  if (points.size(0) < 1) throw_invalid("points: n=0 (expected at least one point)");
  at::Tensor p = points.to(at::kFloat).contiguous();
  if (!at::isfinite(p).all().item<bool>()) throw_invalid("points: contains NaN or infinity");
  return p;
}

at::Tensor checked_centroids(const at::Tensor& centroids, const at::Tensor& points, const char* name) {
  if (centroids.dim() != 2 || centroids.size(1) != points.size(1)) {
    throw_invalid(std::string(name) + ": expected [k, " + std::to_string(points.size(1)) + "] (d of points)");
  }
  if (!is_float_type(centroids.scalar_type())) throw_invalid(std::string(name) + ": expected F32, F16 or BF16");
  if (centroids.device() != points.device()) {
    throw_invalid(std::string(name) + ": device " + centroids.device().str() + " (expected " +
                  points.device().str() + ", the device of points)");
  }
  if (centroids.size(0) < 1) throw_invalid(std::string(name) + ": k=0 (expected >= 1)");
  if (centroids.size(0) > INT32_MAX) throw_invalid(std::string(name) + ": k too large (labels are i32)");
  at::Tensor c = centroids.to(at::kFloat).contiguous();
  if (!at::isfinite(c).all().item<bool>()) throw_invalid(std::string(name) + ": contains NaN or infinity");
  return c;
}

// Deterministic weighted per-cluster sums in f64 on the points' device.
void weighted_sums(const at::Tensor& points, const at::Tensor& weights, const at::Tensor& labels, int64_t k,
                   at::Tensor& sums, at::Tensor& weight_sums) {
  const int64_t n = points.size(0);
  const int d = static_cast<int>(points.size(1));
  sums = at::empty({k, d}, points.options().dtype(at::kDouble));
  weight_sums = at::empty({k}, points.options().dtype(at::kDouble));
  const float* w = weights.defined() ? weights.data_ptr<float>() : nullptr;
#if LOWBIT_WITH_CUDA
  if (points.is_cuda()) {
    const c10::cuda::CUDAGuard device_guard(points.device());
    // A stable sort keeps increasing point order inside each cluster: the sums' order is fixed.
    const auto sorted = at::sort(labels.to(at::kLong), /*stable=*/true, /*dim=*/0, /*descending=*/false);
    const at::Tensor& sorted_labels = std::get<0>(sorted);
    const at::Tensor order = std::get<1>(sorted).contiguous();
    const at::Tensor offsets = at::searchsorted(sorted_labels, at::arange(k + 1, sorted_labels.options())).contiguous();
    return check_launch(kernels::kmeans_segment_sums_cuda(points.data_ptr<float>(), w, d, order.data_ptr<int64_t>(),
                                                          offsets.data_ptr<int64_t>(), k, sums.data_ptr<double>(),
                                                          weight_sums.data_ptr<double>(), stream_of(points)),
                        "kmeans_segment_sums");
  }
#endif
  kernels::kmeans_weighted_sums_cpu(points.data_ptr<float>(), w, n, d, labels.data_ptr<int32_t>(), k,
                                    sums.data_ptr<double>(), weight_sums.data_ptr<double>());
}

at::Tensor seed_random(const at::Tensor& points, int64_t k, uint64_t seed) {
  const int64_t n = points.size(0);
  std::mt19937_64 rng(seed);
  std::vector<int64_t> pick(static_cast<size_t>(k));
  if (k <= n) {
    // Partial Fisher-Yates over a sparse permutation: k distinct indices.
    std::vector<int64_t> perm(static_cast<size_t>(n));
    std::iota(perm.begin(), perm.end(), int64_t{0});
    for (int64_t i = 0; i < k; ++i) {
      std::uniform_int_distribution<int64_t> dist(i, n - 1);
      std::swap(perm[i], perm[dist(rng)]);
      pick[i] = perm[i];
    }
  } else {
    for (int64_t i = 0; i < k; ++i) pick[i] = i % n;  // more clusters than points: duplicates get split
  }
  const at::Tensor index = at::tensor(pick, at::kLong).to(points.device());
  return points.index_select(0, index).contiguous();
}

// Weighted k-means++: each next centroid is drawn with probability ~ w_i * D(x_i)^2.
at::Tensor seed_plusplus(const at::Tensor& points, const at::Tensor& weights, int64_t k, uint64_t seed) {
  const int64_t n = points.size(0);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const at::Tensor w = weights.defined() ? weights.to(at::kDouble) : at::ones({n}, points.options().dtype(at::kDouble));
  const at::Tensor p64 = points.to(at::kDouble);
  std::vector<int64_t> pick;
  pick.reserve(static_cast<size_t>(k));
  auto draw = [&](const at::Tensor& mass) -> int64_t {
    const at::Tensor cum = at::cumsum(mass, 0);
    const double total = cum[n - 1].item<double>();
    if (!(total > 0.0)) return -1;
    const at::Tensor target = at::full({1}, uniform(rng) * total, cum.options());
    int64_t idx = at::searchsorted(cum, target, /*out_int32=*/false, /*right=*/true).item<int64_t>();
    return idx < n ? idx : n - 1;
  };
  int64_t first = draw(w);
  pick.push_back(first < 0 ? 0 : first);
  at::Tensor min_d = (p64 - p64[pick[0]]).pow(2).sum(1);
  for (int64_t c = 1; c < k; ++c) {
    int64_t idx = draw(w * min_d);
    if (idx < 0) idx = pick[static_cast<size_t>(c) % pick.size()];  // every point already a centroid
    pick.push_back(idx);
    min_d = at::minimum(min_d, (p64 - p64[idx]).pow(2).sum(1));
  }
  const at::Tensor index = at::tensor(pick, at::kLong).to(points.device());
  return points.index_select(0, index).contiguous();
}

// New centroids from the sums; a cluster without weight is re-seeded next to the heaviest one.
at::Tensor update_centroids(const at::Tensor& old_centroids, const at::Tensor& sums, const at::Tensor& weight_sums,
                            int64_t& splits) {
  const int64_t k = old_centroids.size(0);
  const int64_t d = old_centroids.size(1);
  const at::Tensor ws_host = weight_sums.to(at::kCPU).contiguous();
  const double* ws = ws_host.data_ptr<double>();
  bool any_empty = false;
  for (int64_t c = 0; c < k; ++c) any_empty |= !(ws[c] > 0.0);
  const at::Tensor safe = at::where(weight_sums > 0, weight_sums, at::ones_like(weight_sums));
  at::Tensor means = (sums / safe.unsqueeze(1)).to(at::kFloat);
  means = at::where((weight_sums > 0).unsqueeze(1), means, old_centroids).contiguous();
  if (!any_empty) return means;

  at::Tensor host = means.to(at::kCPU).contiguous();
  float* c = host.data_ptr<float>();
  // Heaviest first, ties to the lowest index: a max-heap of (mass, -index), so many empty clusters cost
  // O((k + empty) log k) instead of a scan per empty cluster.
  std::priority_queue<std::pair<double, int64_t>> heavy;
  for (int64_t c2 = 0; c2 < k; ++c2) if (ws[c2] > 0.0) heavy.emplace(ws[c2], -c2);
  for (int64_t j = 0; j < k; ++j) {
    if (ws[j] > 0.0) continue;
    if (heavy.empty()) break;
    const auto [m, neg] = heavy.top();
    heavy.pop();
    const int64_t h = -neg;
    for (int64_t t = 0; t < d; ++t) {
      const float base = c[h * d + t];
      const float offset = (std::fabs(base) > 1e-6f ? std::fabs(base) : 1e-6f) * (1.0f / 1024.0f) * (t % 2 ? -1.0f : 1.0f);
      // Only the new centroid moves: the heaviest keeps its mean, and the points on the new one's side
      // of the bisecting plane move over at the next assignment.
      c[j * d + t] = base + offset;
    }
    heavy.emplace(m * 0.5, -h);
    heavy.emplace(m * 0.5, -j);
    ++splits;
  }
  return host.to(old_centroids.device());
}

double weighted_objective(const at::Tensor& min_dist, const at::Tensor& weights) {
  const at::Tensor d = min_dist.to(at::kDouble);
  return (weights.defined() ? (d * weights.to(at::kDouble)).sum() : d.sum()).item<double>();
}

}  // namespace

at::Tensor kmeans_assign_labels(const at::Tensor& points, const at::Tensor& centroids, at::Tensor* min_dist) {
  const int64_t n = points.size(0);
  const int d = static_cast<int>(points.size(1));
  const int64_t k = centroids.size(0);
  at::Tensor labels = at::empty({n}, points.options().dtype(at::kInt));
  at::Tensor dist;
  if (min_dist != nullptr) dist = at::empty({n}, points.options().dtype(at::kFloat));
  float* dist_ptr = min_dist != nullptr ? dist.data_ptr<float>() : nullptr;
#if LOWBIT_WITH_CUDA
  if (points.is_cuda()) {
    const c10::cuda::CUDAGuard device_guard(points.device());
    // Tensor-core scoring with an exact re-check (bit-identical labels and distances: the block-tiled
    // kmeans_assign_tc_kernel.cuh) for d <= 8 on sm_80+, unless LOWBIT_KMEANS_TF32=0 (the CUDA-core kernel).
    // Read at every call, so one process can time both (kmeans_bench's A/B).
    const char* v = std::getenv("LOWBIT_KMEANS_TF32");
    int major = 0;
    if (cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, points.device().index()) != cudaSuccess) {
      (void)cudaGetLastError();
      major = 0;
    }
    const bool tf32 = major >= 8 && !(v != nullptr && std::string(v) == "0");
    const int64_t ws_bytes = tf32 ? kernels::kmeans_assign_workspace_bytes(n, d, k) : 0;
    const at::Tensor ws = at::empty({ws_bytes > 0 ? ws_bytes : 1}, points.options().dtype(at::kByte));
    // The lower-register variant (kmeans_assign_tc_occ_kernel.cuh; same results bit for bit) unless
    // LOWBIT_KMEANS_TC=tiled: 0.1396 s against 0.2200 s per assignment at N = 7.34M, d = 8, k = 65536 on an H200.
    const char* tc = std::getenv("LOWBIT_KMEANS_TC");
    const kernels::KmeansTcKernel tc_kernel = tc != nullptr && std::string(tc) == "tiled"
                                                  ? kernels::KmeansTcKernel::kTiled
                                                  : kernels::KmeansTcKernel::kOcc;
    check_launch(kernels::kmeans_assign_cuda(points.data_ptr<float>(), n, d, centroids.data_ptr<float>(), k,
                                             labels.data_ptr<int32_t>(), dist_ptr, ws.data_ptr(), ws_bytes,
                                             tc_kernel, stream_of(points)),
                 "kmeans_assign");
    if (min_dist != nullptr) *min_dist = dist;
    return labels;
  }
#endif
  kernels::kmeans_assign_cpu(points.data_ptr<float>(), n, d, centroids.data_ptr<float>(), k,
                             labels.data_ptr<int32_t>(), dist_ptr, at::get_num_threads());
  if (min_dist != nullptr) *min_dist = dist;
  return labels;
}

KmeansResult kmeans_fit(const at::Tensor& points, const at::Tensor& weights, const at::Tensor& init,
                        const lb_kmeans_options& options) {
  const int64_t k = options.k;
  at::Tensor centroids;
  if (init.defined()) {
    centroids = init;
  } else if (options.init == LB_KMEANS_INIT_PLUSPLUS) {
    centroids = seed_plusplus(points, weights, k, options.seed);
  } else {
    centroids = seed_random(points, k, options.seed);
  }
  KmeansResult result;
  double previous = 0.0;
  for (int32_t it = 0;; ++it) {
    at::Tensor dist;
    at::Tensor labels = kmeans_assign_labels(points, centroids, &dist);
    const double objective = weighted_objective(dist, weights);
    result.centroids = centroids;
    result.labels = labels;
    result.objective = objective;
    result.iterations = it;
    if (it == options.max_iter) break;
    if (it > 0 && std::fabs(previous - objective) <= options.tol * objective) break;
    previous = objective;
    at::Tensor sums, weight_sums;
    weighted_sums(points, weights, labels, k, sums, weight_sums);
    centroids = update_centroids(centroids, sums, weight_sums, result.empty_splits);
  }
  return result;
}

void kmeans_assign_api(lb_tensor points, lb_tensor centroids, lb_tensor* labels, lb_tensor* min_dist) {
  require_non_null(labels, "labels");
  const at::Tensor p = checked_points(unwrap(points, "points"));
  const at::Tensor c = checked_centroids(unwrap(centroids, "centroids"), p, "centroids");
  at::Tensor dist;
  at::Tensor l = kmeans_assign_labels(p, c, min_dist != nullptr ? &dist : nullptr);
  TensorHandle lh = make_handle(std::move(l));
  TensorHandle dh = min_dist != nullptr ? make_handle(std::move(dist)) : nullptr;
  *labels = lh.release();
  if (min_dist != nullptr) *min_dist = dh.release();
}

void kmeans_fit_api(lb_tensor points, lb_tensor weights, lb_tensor init_centroids, const lb_kmeans_options* options,
                    lb_tensor* centroids, lb_tensor* labels, double* objective, int32_t* iterations,
                    int64_t* empty_splits) {
  require_non_null(options, "options");
  require_non_null(centroids, "centroids");
  require_non_null(labels, "labels");
  if (options->struct_size < static_cast<int64_t>(sizeof(lb_kmeans_options))) {
    throw_invalid("options->struct_size=" + std::to_string(options->struct_size) + " is too small (expected >= " +
                  std::to_string(sizeof(lb_kmeans_options)) + ")");
  }
  if (options->k < 1 || options->k > INT32_MAX) throw_invalid("options->k=" + std::to_string(options->k) + " (expected 1..2^31-1)");
  if (options->max_iter < 0) throw_invalid("options->max_iter=" + std::to_string(options->max_iter) + " (expected >= 0)");
  if (!(options->tol >= 0.0)) throw_invalid("options->tol=" + std::to_string(options->tol) + " (expected >= 0)");
  if (options->init != LB_KMEANS_INIT_RANDOM && options->init != LB_KMEANS_INIT_PLUSPLUS) {
    throw_invalid("options->init=" + std::to_string(options->init) + " (expected LB_KMEANS_INIT_RANDOM or _PLUSPLUS)");
  }
  const at::Tensor p = checked_points(unwrap(points, "points"));
  at::Tensor w;
  if (weights != nullptr) {
    const at::Tensor& raw = weights->value;
    if (raw.dim() != 1 || raw.size(0) != p.size(0)) {
      throw_invalid("weights: expected [" + std::to_string(p.size(0)) + "] (one per point)");
    }
    if (!is_float_type(raw.scalar_type())) throw_invalid("weights: expected F32, F16 or BF16");
    if (raw.device() != p.device()) throw_invalid("weights: expected the device of points");
    w = raw.to(at::kFloat).contiguous();
    if (!at::isfinite(w).all().item<bool>() || (w < 0).any().item<bool>()) {
      throw_invalid("weights: expected finite values >= 0");
    }
    if (!(w.sum().item<double>() > 0.0)) throw_invalid("weights: sum is 0 (expected a positive total weight)");
  }
  at::Tensor init;
  if (init_centroids != nullptr) {
    init = checked_centroids(init_centroids->value, p, "init_centroids");
    if (init.size(0) != options->k) {
      throw_invalid("init_centroids: k=" + std::to_string(init.size(0)) + " (expected options->k=" +
                    std::to_string(options->k) + ")");
    }
  }
  KmeansResult r = kmeans_fit(p, w, init, *options);
  TensorHandle ch = make_handle(std::move(r.centroids));
  TensorHandle lh = make_handle(std::move(r.labels));
  *centroids = ch.release();
  *labels = lh.release();
  if (objective != nullptr) *objective = r.objective;
  if (iterations != nullptr) *iterations = r.iterations;
  if (empty_splits != nullptr) *empty_splits = r.empty_splits;
}

}  // namespace lb
