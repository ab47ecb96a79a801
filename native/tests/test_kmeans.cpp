// Weighted k-means (lb_kmeans_assign / lb_kmeans_fit) against a plain brute-force reference:
// exact assignment, monotone objective, weights, empty clusters, determinism, bad input. The CUDA part
// runs only when a device is visible.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "check.h"
#include "lb_helpers.h"

namespace {

std::vector<float> random_points(int64_t n, int d, uint64_t seed, float scale = 1.0f) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, scale);
  std::vector<float> v(static_cast<size_t>(n * d));
  for (float& x : v) x = normal(rng);
  return v;
}

// Plain reference: argmin of squared distances in f64, lowest index on ties.
std::vector<int32_t> reference_assign(const std::vector<float>& p, int64_t n, int d, const std::vector<float>& c,
                                      int64_t k, std::vector<double>* best_out = nullptr,
                                      std::vector<double>* second_out = nullptr) {
  std::vector<int32_t> labels(n);
  if (best_out) best_out->assign(n, 0.0);
  if (second_out) second_out->assign(n, 0.0);
  for (int64_t i = 0; i < n; ++i) {
    double best = std::numeric_limits<double>::infinity(), second = best;
    for (int64_t j = 0; j < k; ++j) {
      double s = 0;
      for (int t = 0; t < d; ++t) {
        const double diff = double(p[i * d + t]) - double(c[j * d + t]);
        s += diff * diff;
      }
      if (s < best) {
        second = best;
        best = s;
        labels[i] = static_cast<int32_t>(j);
      } else if (s < second) {
        second = s;
      }
    }
    if (best_out) (*best_out)[i] = best;
    if (second_out) (*second_out)[i] = second;
  }
  return labels;
}

struct Fit {
  std::vector<float> centroids;
  std::vector<int32_t> labels;
  double objective = 0;
  int32_t iterations = 0;
  int64_t splits = 0;
};

Fit fit(lb_tensor points, lb_tensor weights, lb_tensor init, int64_t k, int32_t max_iter, double tol, uint64_t seed,
        int32_t init_kind = LB_KMEANS_INIT_PLUSPLUS) {
  lb_kmeans_options o{};
  o.struct_size = sizeof(o);
  o.k = k;
  o.max_iter = max_iter;
  o.init = init_kind;
  o.tol = tol;
  o.seed = seed;
  lb_tensor c = nullptr, l = nullptr;
  Fit f;
  CHECK_OK(lb_kmeans_fit(points, weights, init, &o, &c, &l, &f.objective, &f.iterations, &f.splits));
  Tensor ct(c), lt(l);
  if (c) f.centroids = to_vector<float>(c);
  if (l) f.labels = to_vector<int32_t>(l);
  return f;
}

void test_assign_matches_reference(int d, int64_t n, int64_t k) {
  const auto p = random_points(n, d, 11 + d);
  const auto c = random_points(k, d, 97 + d);
  Tensor pt = host_tensor(p, LB_DTYPE_F32, {n, d});
  Tensor ctn = host_tensor(c, LB_DTYPE_F32, {k, d});
  lb_tensor l = nullptr, dist = nullptr;
  CHECK_OK(lb_kmeans_assign(pt.get(), ctn.get(), &l, &dist));
  Tensor lt(l), dt(dist);
  const auto labels = to_vector<int32_t>(l);
  const auto dists = to_vector<float>(dist);
  std::vector<double> best, second;
  const auto ref = reference_assign(p, n, d, c, k, &best, &second);
  int64_t bad = 0;
  for (int64_t i = 0; i < n; ++i) {
    // Only a near-tie (within f32 rounding) may pick the other centroid.
    const bool near_tie = second[i] - best[i] <= 1e-5 * (1.0 + best[i]);
    if (labels[i] != ref[i] && !near_tie) ++bad;
    if (std::fabs(dists[i] - best[i]) > 1e-4 * (1.0 + best[i])) ++bad;
  }
  CHECK_EQ(bad, int64_t{0});
}

// Well-separated clusters: exact labels from the true centres, and fit recovers the partition.
void test_well_separated() {
  const int d = 4;
  const int64_t k = 6, per = 50, n = k * per;
  std::vector<float> centres(k * d), p(n * d);
  for (int64_t j = 0; j < k; ++j)
    for (int t = 0; t < d; ++t) centres[j * d + t] = float(10 * ((j >> t) & 1) + 25 * (t == 0 ? j : 0));
  const auto noise = random_points(n, d, 5, 0.3f);
  std::vector<int32_t> truth(n);
  for (int64_t i = 0; i < n; ++i) {
    truth[i] = static_cast<int32_t>(i % k);
    for (int t = 0; t < d; ++t) p[i * d + t] = centres[truth[i] * d + t] + noise[i * d + t];
  }
  Tensor pt = host_tensor(p, LB_DTYPE_F32, {n, d});
  Tensor ct = host_tensor(centres, LB_DTYPE_F32, {k, d});
  lb_tensor l = nullptr;
  CHECK_OK(lb_kmeans_assign(pt.get(), ct.get(), &l, nullptr));
  Tensor lt(l);
  CHECK(to_vector<int32_t>(l) == truth);

  const Fit f = fit(pt.get(), nullptr, nullptr, k, 50, 0.0, 3);
  // Same partition up to renaming: every true cluster maps to one label and vice versa.
  std::vector<int32_t> map(k, -1), back(k, -1);
  bool partition = f.labels.size() == size_t(n);
  for (int64_t i = 0; partition && i < n; ++i) {
    const int32_t a = truth[i], b = f.labels[i];
    if (map[a] == -1 && back[b] == -1) {
      map[a] = b;
      back[b] = a;
    }
    partition = map[a] == b && back[b] == a;
  }
  CHECK(partition);
  CHECK(f.objective < 0.3 * 0.3 * d * n * 1.5);
}

// Objective never increases: fits from one init with 0..T updates are prefixes of each other.
void test_objective_monotone() {
  const int d = 3;
  const int64_t n = 400, k = 12;
  const auto p = random_points(n, d, 21);
  std::vector<float> w(n);
  std::mt19937 rng(4);
  for (float& x : w) x = std::uniform_real_distribution<float>(0.1f, 2.0f)(rng);
  Tensor pt = host_tensor(p, LB_DTYPE_F32, {n, d});
  Tensor wt = host_tensor(w, LB_DTYPE_F32, {n});
  double previous = std::numeric_limits<double>::infinity();
  for (int t = 0; t <= 12; ++t) {
    const Fit f = fit(pt.get(), wt.get(), nullptr, k, t, 0.0, 9, LB_KMEANS_INIT_RANDOM);
    CHECK(f.objective <= previous * (1.0 + 1e-9));
    CHECK_EQ(f.iterations, t);
    // Labels are the nearest centroids of the returned centroids, and J matches them.
    const auto ref = reference_assign(p, n, d, f.centroids, k);
    double j = 0;
    for (int64_t i = 0; i < n; ++i) {
      double s = 0;
      for (int q = 0; q < d; ++q) {
        const double diff = double(p[i * d + q]) - f.centroids[f.labels[i] * d + q];
        s += diff * diff;
      }
      j += w[i] * s;
    }
    CHECK(std::fabs(j - f.objective) <= 1e-4 * j);
    CHECK(ref == f.labels);
    previous = f.objective;
  }
  // Tolerance stops early.
  const Fit loose = fit(pt.get(), wt.get(), nullptr, k, 100, 1e-2, 9, LB_KMEANS_INIT_RANDOM);
  CHECK(loose.iterations < 100);
}

// Weights: a centroid is the weighted mean of its points; zero weight does not pull.
void test_weights_respected() {
  const int d = 2;
  std::vector<float> p = {0, 0, 4, 8, 100, 100, 0.5f, 0.5f};
  std::vector<float> w = {3, 1, 2, 0};
  std::vector<float> init = {1, 1, 100, 100};
  Tensor pt = host_tensor(p, LB_DTYPE_F32, {4, d});
  Tensor wt = host_tensor(w, LB_DTYPE_F32, {4});
  Tensor it = host_tensor(init, LB_DTYPE_F32, {2, d});
  const Fit f = fit(pt.get(), wt.get(), it.get(), 2, 1, 0.0, 0);
  CHECK(f.centroids.size() == 4);
  if (f.centroids.size() == 4) {
    CHECK(std::fabs(f.centroids[0] - 1.0f) < 1e-6f);  // (3*0 + 1*4) / 4
    CHECK(std::fabs(f.centroids[1] - 2.0f) < 1e-6f);  // (3*0 + 1*8) / 4
    CHECK(f.centroids[2] == 100.0f && f.centroids[3] == 100.0f);
  }
}

// Empty clusters are split off the heaviest; k > n works.
void test_empty_clusters() {
  const int d = 2;
  const int64_t n = 200, k = 4;
  const auto p = random_points(n, d, 8);
  std::vector<float> init = {0, 0, 0.1f, 0, 1000, 1000, -1000, 1000};  // two far centroids attract nothing
  Tensor pt = host_tensor(p, LB_DTYPE_F32, {n, d});
  Tensor it = host_tensor(init, LB_DTYPE_F32, {k, d});
  const Fit f = fit(pt.get(), nullptr, it.get(), k, 20, 0.0, 0);
  CHECK(f.splits >= 2);
  std::vector<int64_t> count(k, 0);
  for (int32_t l : f.labels) ++count[l];
  for (int64_t c = 0; c < k; ++c) CHECK(count[c] > 0);
  for (float v : f.centroids) CHECK(std::fabs(v) < 10.0f);

  const auto few = random_points(3, d, 2);
  Tensor ft = host_tensor(few, LB_DTYPE_F32, {3, d});
  const Fit g = fit(ft.get(), nullptr, nullptr, 5, 5, 0.0, 1, LB_KMEANS_INIT_RANDOM);
  CHECK(g.objective < 1e-6);
  CHECK(g.centroids.size() == size_t(5 * d));
}

void test_determinism(int32_t init_kind) {
  const int d = 6;
  const int64_t n = 3000, k = 64;
  const auto p = random_points(n, d, 31);
  Tensor pt = host_tensor(p, LB_DTYPE_F32, {n, d});
  const Fit a = fit(pt.get(), nullptr, nullptr, k, 15, 1e-5, 77, init_kind);
  const Fit b = fit(pt.get(), nullptr, nullptr, k, 15, 1e-5, 77, init_kind);
  const Fit c = fit(pt.get(), nullptr, nullptr, k, 15, 1e-5, 78, init_kind);
  CHECK(same_bits(a.centroids, b.centroids));
  CHECK(a.labels == b.labels);
  CHECK(a.objective == b.objective);
  CHECK(!same_bits(a.centroids, c.centroids));
}

void test_bad_input() {
  const auto p = random_points(10, 33, 1);
  Tensor wide = host_tensor(p, LB_DTYPE_F32, {10, 33});
  Tensor c = host_tensor(random_points(2, 33, 2), LB_DTYPE_F32, {2, 33});
  lb_tensor l = nullptr;
  CHECK_FAILS(lb_kmeans_assign(wide.get(), c.get(), &l, nullptr), LB_ERR_INVALID_ARGUMENT, "d=33");
  std::vector<float> nan_points = {0, 1, NAN, 2};
  Tensor np = host_tensor(nan_points, LB_DTYPE_F32, {2, 2});
  Tensor c2 = host_tensor(std::vector<float>{0, 0}, LB_DTYPE_F32, {1, 2});
  CHECK_FAILS(lb_kmeans_assign(np.get(), c2.get(), &l, nullptr), LB_ERR_INVALID_ARGUMENT, "NaN");
  Tensor ok = host_tensor(std::vector<float>{0, 1, 3, 2}, LB_DTYPE_F32, {2, 2});
  Tensor negw = host_tensor(std::vector<float>{1, -1}, LB_DTYPE_F32, {2});
  lb_kmeans_options o{};
  o.struct_size = sizeof(o);
  o.k = 1;
  o.max_iter = 3;
  lb_tensor ct = nullptr;
  CHECK_FAILS(lb_kmeans_fit(ok.get(), negw.get(), nullptr, &o, &ct, &l, nullptr, nullptr, nullptr),
              LB_ERR_INVALID_ARGUMENT, "weights");
  o.struct_size = 8;
  CHECK_FAILS(lb_kmeans_fit(ok.get(), nullptr, nullptr, &o, &ct, &l, nullptr, nullptr, nullptr),
              LB_ERR_INVALID_ARGUMENT, "struct_size");
  o.struct_size = sizeof(o);
  o.k = 0;
  CHECK_FAILS(lb_kmeans_fit(ok.get(), nullptr, nullptr, &o, &ct, &l, nullptr, nullptr, nullptr),
              LB_ERR_INVALID_ARGUMENT, "k=0");
}

void test_cuda() {
  if (!runtime_info().cuda_available) {
    std::printf("test_kmeans: no CUDA device, CUDA part skipped\n");
    return;
  }
  // Few points take the warp-per-point kernel; many points (>= 264 tiles of 256 x P) the shared-memory tile kernel.
  for (int d : {2, 4, 6, 8, 5, 12, 16, 20, -8, -5}) {
    const bool big = d < 0;
    d = big ? -d : d;
    const int64_t n = big ? (d == 5 ? 100003 : 1080037) : 5003, k = big ? 70 : 700;
    const auto p = random_points(n, d, 40 + d);
    const auto c = random_points(k, d, 50 + d);
    Tensor pg = convert(host_tensor(p, LB_DTYPE_F32, {n, d}).get(), LB_DTYPE_F32, LB_DEVICE_CUDA);
    Tensor cg = convert(host_tensor(c, LB_DTYPE_F32, {k, d}).get(), LB_DTYPE_F32, LB_DEVICE_CUDA);
    lb_tensor l = nullptr, dist = nullptr;
    CHECK_OK(lb_kmeans_assign(pg.get(), cg.get(), &l, &dist));
    Tensor lt(l), dt(dist);
    const auto labels = to_vector<int32_t>(Tensor(convert(l, LB_DTYPE_I32)).get());
    const auto dists = to_vector<float>(Tensor(convert(dist, LB_DTYPE_F32)).get());
    std::vector<double> best, second;
    const auto ref = reference_assign(p, n, d, c, k, &best, &second);
    int64_t bad = 0;
    for (int64_t i = 0; i < n; ++i) {
      const bool near_tie = second[i] - best[i] <= 1e-4 * (1.0 + best[i]);
      if (labels[i] != ref[i] && !near_tie) ++bad;
      if (std::fabs(dists[i] - best[i]) > 1e-3 * (1.0 + best[i])) ++bad;
    }
    CHECK_EQ(bad, int64_t{0});
    if (big) continue;
    const Fit a = fit(pg.get(), nullptr, nullptr, 64, 20, 1e-5, 5);
    const Fit b = fit(pg.get(), nullptr, nullptr, 64, 20, 1e-5, 5);
    CHECK(same_bits(a.centroids, b.centroids));
    CHECK(a.labels == b.labels);
  }
}

// The tensor-core assignment (d <= 8, many points) against the CUDA-core kernel's exact fp32 chain,
// bit for bit, on near-duplicate centroids (TF32 rounding reorders their approximate scores) and integer
// data (exact ties: lowest index); a weighted fit twice with one seed gives the same bits.
void test_cuda_tensor_core_assign() {
  if (!runtime_info().cuda_available) return;
  for (int d : {8, 6, 3}) {
    const int64_t n = 600037, k = 300;
    std::vector<float> p = random_points(n, d, 70 + d), c = random_points(k, d, 80 + d);
    std::mt19937 rng(static_cast<uint32_t>(d));
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (int64_t i = k / 2; i < k; ++i) {
      for (int t = 0; t < d; ++t) {
        c[static_cast<size_t>(i * d + t)] = c[static_cast<size_t>((i - k / 2) * d + t)] + 2e-3f * normal(rng);
      }
    }
    if (d == 3) {  // integers: exact ties
      for (auto& v : p) v = std::round(2.0f * v);
      for (auto& v : c) v = std::round(2.0f * v);
    }
    Tensor pg = convert(host_tensor(p, LB_DTYPE_F32, {n, d}).get(), LB_DTYPE_F32, LB_DEVICE_CUDA);
    Tensor cg = convert(host_tensor(c, LB_DTYPE_F32, {k, d}).get(), LB_DTYPE_F32, LB_DEVICE_CUDA);
    lb_tensor l = nullptr, dist = nullptr, l2 = nullptr;
    setenv("LOWBIT_KMEANS_TC", "tiled", 1);
    CHECK_OK(lb_kmeans_assign(pg.get(), cg.get(), &l, &dist));
    CHECK_OK(lb_kmeans_assign(pg.get(), cg.get(), &l2, nullptr));
    Tensor lt(l), dt(dist), lt2(l2);
    const auto labels = to_vector<int32_t>(Tensor(convert(l, LB_DTYPE_I32)).get());
    const auto labels2 = to_vector<int32_t>(Tensor(convert(l2, LB_DTYPE_I32)).get());
    const auto dists = to_vector<float>(Tensor(convert(dist, LB_DTYPE_F32)).get());
    CHECK(labels == labels2);
    // the lower-register variant (LOWBIT_KMEANS_TC=occ, the default) against the same chain
    setenv("LOWBIT_KMEANS_TC", "occ", 1);
    lb_tensor lo = nullptr, disto = nullptr;
    CHECK_OK(lb_kmeans_assign(pg.get(), cg.get(), &lo, &disto));
    unsetenv("LOWBIT_KMEANS_TC");
    Tensor lto(lo), dto(disto);
    const auto labels_occ = to_vector<int32_t>(Tensor(convert(lo, LB_DTYPE_I32)).get());
    const auto dists_occ = to_vector<float>(Tensor(convert(disto, LB_DTYPE_F32)).get());
    std::vector<float> norms(static_cast<size_t>(k));
    for (int64_t j = 0; j < k; ++j) {
      float a = 0.0f;
      for (int t = 0; t < d; ++t) a = std::fma(c[static_cast<size_t>(j * d + t)], c[static_cast<size_t>(j * d + t)], a);
      norms[static_cast<size_t>(j)] = a;
    }
    int64_t bad = 0, bad_occ = 0;
    for (int64_t i = 0; i < n; ++i) {
      float best = INFINITY;
      int32_t bc = 0;
      for (int64_t j = 0; j < k; ++j) {
        float acc = norms[static_cast<size_t>(j)];
        for (int t = 0; t < d; ++t) {
          acc = std::fma(-2.0f * p[static_cast<size_t>(i * d + t)], c[static_cast<size_t>(j * d + t)], acc);
        }
        if (acc < best) {
          best = acc;
          bc = static_cast<int32_t>(j);
        }
      }
      float xx = 0.0f;
      for (int t = 0; t < d; ++t) xx = std::fma(p[static_cast<size_t>(i * d + t)], p[static_cast<size_t>(i * d + t)], xx);
      const float want = std::fmax(best + xx, 0.0f);
      if (labels[static_cast<size_t>(i)] != bc || std::memcmp(&dists[static_cast<size_t>(i)], &want, 4) != 0) ++bad;
      if (labels_occ[static_cast<size_t>(i)] != bc || std::memcmp(&dists_occ[static_cast<size_t>(i)], &want, 4) != 0) {
        ++bad_occ;
      }
    }
    std::printf("test_kmeans: tensor-core assignment d=%d n=%lld k=%lld: %lld differences from the fp32 chain\n", d,
                static_cast<long long>(n), static_cast<long long>(k), static_cast<long long>(bad));
    std::printf("test_kmeans: tensor-core occ assignment d=%d n=%lld k=%lld: %lld differences from the fp32 chain\n", d,
                static_cast<long long>(n), static_cast<long long>(k), static_cast<long long>(bad_occ));
    CHECK_EQ(bad, int64_t{0});
    CHECK_EQ(bad_occ, int64_t{0});
    std::vector<float> wv(static_cast<size_t>(n));
    for (size_t i = 0; i < wv.size(); ++i) wv[i] = i % 7 == 0 ? 0.0f : 0.5f + static_cast<float>(i % 5);  // zero weights too
    Tensor wg = convert(host_tensor(wv, LB_DTYPE_F32, {n}).get(), LB_DTYPE_F32, LB_DEVICE_CUDA);
    const Fit a = fit(pg.get(), wg.get(), nullptr, 256, 4, 0.0, 9);
    const Fit b = fit(pg.get(), wg.get(), nullptr, 256, 4, 0.0, 9);
    CHECK(same_bits(a.centroids, b.centroids));
    CHECK(a.labels == b.labels);
  }
}

// The block-tiled tensor-core kernel (default, LOWBIT_KMEANS_TF32=1) and its lower-register variant
// (LOWBIT_KMEANS_TC=occ) against the CUDA-core kernel (LOWBIT_KMEANS_TF32=0) on the device: identical labels
// and min distances, bit for bit, over several 256-centroid stages with a tail, n not a multiple of the
// 1024-point block, d in {1, 3, 5, 8}, clustered data.
void test_cuda_tensor_core_vs_cuda_core() {
  if (!runtime_info().cuda_available) return;
  for (int d : {8, 5, 3, 1}) {
    // n >= 264 CUDA-core tiles of 2048 points, else kmeans_assign_workspace_bytes is 0 and no tensor-core
    // kernel runs (at 300001 this test compared the CUDA-core kernel with itself)
    const int64_t n = 600001, k = 4099;
    std::vector<float> p = random_points(n, d, 90 + d), c = random_points(k, d, 95 + d);
    for (size_t i = 0; i < p.size(); ++i) p[i] = 0.01f * p[i] + static_cast<float>((i / static_cast<size_t>(d)) % 5);
    for (size_t i = 0; i < c.size(); ++i) c[i] = 0.01f * c[i] + static_cast<float>((i / static_cast<size_t>(d)) % 5);
    Tensor pg = convert(host_tensor(p, LB_DTYPE_F32, {n, d}).get(), LB_DTYPE_F32, LB_DEVICE_CUDA);
    Tensor cg = convert(host_tensor(c, LB_DTYPE_F32, {k, d}).get(), LB_DTYPE_F32, LB_DEVICE_CUDA);
    std::vector<int32_t> labels[3];
    std::vector<float> dists[3];
    for (int v = 0; v < 3; ++v) {  // CUDA-core, tensor-core (tiled), tensor-core occ
      setenv("LOWBIT_KMEANS_TF32", v == 0 ? "0" : "1", 1);
      setenv("LOWBIT_KMEANS_TC", v == 2 ? "occ" : "tiled", 1);
      lb_tensor l = nullptr, dist = nullptr;
      CHECK_OK(lb_kmeans_assign(pg.get(), cg.get(), &l, &dist));
      Tensor lt(l), dt(dist);
      labels[v] = to_vector<int32_t>(Tensor(convert(l, LB_DTYPE_I32)).get());
      dists[v] = to_vector<float>(Tensor(convert(dist, LB_DTYPE_F32)).get());
    }
    unsetenv("LOWBIT_KMEANS_TF32");
    unsetenv("LOWBIT_KMEANS_TC");
    for (int v = 1; v < 3; ++v) {
      int64_t bad = 0;
      for (int64_t i = 0; i < n; ++i) {
        if (labels[0][static_cast<size_t>(i)] != labels[v][static_cast<size_t>(i)] ||
            std::memcmp(&dists[0][static_cast<size_t>(i)], &dists[v][static_cast<size_t>(i)], 4) != 0) {
          ++bad;
        }
      }
      std::printf("test_kmeans: tensor-core%s vs CUDA-core kernel d=%d n=%lld k=%lld: %lld differences\n",
                  v == 2 ? " occ" : "", d, static_cast<long long>(n), static_cast<long long>(k),
                  static_cast<long long>(bad));
      CHECK_EQ(bad, int64_t{0});
    }
  }
}

}  // namespace

int main() {
  for (int d : {1, 2, 3, 4, 6, 8, 12, 16, 32}) test_assign_matches_reference(d, 517, 37);
  test_well_separated();
  test_objective_monotone();
  test_weights_respected();
  test_empty_clusters();
  test_determinism(LB_KMEANS_INIT_PLUSPLUS);
  test_determinism(LB_KMEANS_INIT_RANDOM);
  test_bad_input();
  test_cuda();
  test_cuda_tensor_core_assign();
  test_cuda_tensor_core_vs_cuda_core();
  return check::finish("test_kmeans");
}
