// Device memory that a decode-step kernel asks L2 to fetch for the kernel after it (the next GEMV's weights), so
// that GEMV reads L2 instead of DRAM. Plain C++: the adapters fill it; l2_prefetch.cuh issues it on the device.
#pragma once

#include <stdint.h>

namespace lb::kernels {

constexpr int kL2PrefetchRanges = 6;

// Up to kL2PrefetchRanges ranges (bytes 0: unused). A hint: a range need not be aligned (the issuing code takes the
// 16-byte aligned part of it), and nothing depends on the lines being present.
struct L2Prefetch {
  const void* ptr[kL2PrefetchRanges];
  int64_t bytes[kL2PrefetchRanges];
  int evict_last;  // 1: fetched with an evict_last L2 policy (kept over lines streamed once); 0: normal
};

}  // namespace lb::kernels
