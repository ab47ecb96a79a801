// Weighted k-means building blocks on a CUDA device (torch-free; same contracts as kmeans_cpu.h
// except for how the distance is evaluated, see kmeans_assign_cuda).
#pragma once

#include <cuda_runtime_api.h>
#include <stdint.h>

namespace lb::kernels {

// points [n, d], centroids [k, d] row-major f32 in device memory; labels [n]; min_dist [n] or NULL.
// Fused distance + argmin: centroids are tiled through shared memory with their squared norms and
// the score ||c||^2 - 2 x.c is minimised (ties: lowest index); min_dist = max(score + ||x||^2, 0).
// The n x k matrix is never stored. d in 1..32 (2, 4, 6, 8, 12, 16 are unrolled instances).
// Asynchronous on `stream`; returns the launch status (cudaErrorInvalidValue for d out of range).
cudaError_t kmeans_assign_cuda(const float* points, int64_t n, int d, const float* centroids, int64_t k,
                               int32_t* labels, float* min_dist, cudaStream_t stream);

// Bytes of device workspace that let kmeans_assign_cuda use tensor cores (d <= 8; 0: none needed).
int64_t kmeans_assign_workspace_bytes(int64_t n, int d, int64_t k);

// Which tensor-core assignment kernel the workspace overload runs: kOcc (assign_tc_occ_kernel, the library's
// choice: at most 64 registers per thread, 2 blocks per SM; it indexes with 32 bits, so past n * d or k * d of
// 2^31 the tiled kernel runs instead) or kTiled (assign_tc_kernel, 128 registers; for A/B timings).
enum class KmeansTcKernel { kTiled, kOcc };

// Same results as above (the same labels and min_dist, bit for bit): with a workspace of
// kmeans_assign_workspace_bytes (16-byte aligned) and d <= 8, many points are scored on tensor cores with
// an exact fp32 re-check of every centroid that could win (kmeans_assign_tc_kernel.cuh), by `kernel`.
cudaError_t kmeans_assign_cuda(const float* points, int64_t n, int d, const float* centroids, int64_t k,
                               int32_t* labels, float* min_dist, void* workspace, int64_t workspace_bytes,
                               KmeansTcKernel kernel, cudaStream_t stream);

// Fixed-order segmented weighted sums. order [n]: point indices grouped by label (a stable sort by
// label); offsets [k + 1]: segment c is order[offsets[c] .. offsets[c+1]). One thread per cluster adds
// its points in segment order in f64: sums [k, d], weight_sums [k] (overwritten). weights may be NULL.
cudaError_t kmeans_segment_sums_cuda(const float* points, const float* weights, int d, const int64_t* order,
                                     const int64_t* offsets, int64_t k, double* sums, double* weight_sums,
                                     cudaStream_t stream);

}  // namespace lb::kernels
