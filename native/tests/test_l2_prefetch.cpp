// The split of an L2 prefetch over a grid (kernels/cuda/l2_prefetch.cuh, l2_prefetch_pieces) on the host: over all
// blocks and lanes the pieces cover the 16-byte aligned part of every range exactly once, each piece aligned and at
// most one chunk long, for unaligned, empty, null and adjacent ranges and grids of 1 to 700 blocks.
#include "cuda_emulation.h"
#include "kernels/cuda/l2_prefetch.cuh"

#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "check.h"

namespace {

using lb::kernels::L2Prefetch;
using lb::kernels::kL2PrefetchChunk;
using lb::kernels::kL2PrefetchRanges;

int cases = 0;

// The 16-byte units [begin, end) a range should cover.
void aligned_units(uintptr_t ptr, int64_t bytes, std::map<uintptr_t, int>& want) {
  if (ptr == 0 || bytes <= 0) return;
  const uintptr_t begin = (ptr + 15) / 16 * 16, end = (ptr + static_cast<uintptr_t>(bytes)) / 16 * 16;
  for (uintptr_t a = begin; a < end; a += 16) want[a] += 1;
}

void split_case(const std::vector<std::pair<uintptr_t, int64_t>>& ranges, int64_t parts) {
  L2Prefetch p{};
  std::map<uintptr_t, int> want, got;
  for (size_t r = 0; r < ranges.size(); ++r) {
    p.ptr[r] = reinterpret_cast<const void*>(ranges[r].first);
    p.bytes[r] = ranges[r].second;
    aligned_units(ranges[r].first, ranges[r].second, want);
  }
  std::string what = "parts=";
  what += std::to_string(parts);
  what += " ranges:";
  for (const auto& r : ranges) {
    what += ' ';
    what += std::to_string(r.first);
    what += '+';
    what += std::to_string(r.second);
  }
  int64_t bad_pieces = 0;
  for (int64_t part = 0; part < parts; ++part) {
    for (int lane = 0; lane < 32; ++lane) {
      lb::kernels::l2_prefetch_pieces(p, part, parts, lane, [&](uintptr_t address, uint32_t bytes) {
        if (address % 16 != 0 || bytes == 0 || bytes % 16 != 0 || bytes > kL2PrefetchChunk) ++bad_pieces;
        for (uintptr_t a = address; a < address + bytes; a += 16) got[a] += 1;
      });
    }
  }
  ++cases;
  if (bad_pieces != 0) check::fail(__FILE__, __LINE__, what + ": " + std::to_string(bad_pieces) + " malformed pieces");
  if (got != want) {
    int64_t missing = 0, extra = 0;
    for (const auto& [a, n] : want) missing += got.count(a) ? 0 : 1;
    for (const auto& [a, n] : got) extra += (!want.count(a) || want.at(a) != n) ? 1 : 0;
    check::fail(__FILE__, __LINE__, what + ": " + std::to_string(missing) + " units missing, " + std::to_string(extra) +
                                        " units outside the ranges or repeated");
  }
}

}  // namespace

int main() {
  const uintptr_t base = uintptr_t{1} << 32;
  split_case({}, 8);                                                        // nothing to fetch
  split_case({{base, 16}}, 1);                                              // one unit
  split_case({{base + 3, 29}}, 4);                                          // unaligned: [base+16, base+32)
  split_case({{base + 3, 12}}, 4);                                          // no whole unit inside
  split_case({{0, 4096}, {base, 0}, {base + 64, -5}}, 3);                   // null, empty, negative
  split_case({{base, 1 << 20}, {base + (1 << 20), 4096}}, 7);               // adjacent ranges
  split_case({{base, 5 * kL2PrefetchChunk + 48}}, 1);                       // one block, several chunks per lane
  split_case({{base, 40 * kL2PrefetchChunk}}, 1);                           // lanes wrap round
  std::mt19937 rng(11);
  std::uniform_int_distribution<int64_t> size(0, 3 << 20), offset(0, 4095);
  for (int64_t parts : {1, 2, 31, 32, 33, 615, 700}) {
    std::vector<std::pair<uintptr_t, int64_t>> ranges;
    uintptr_t at = base;
    for (int r = 0; r < kL2PrefetchRanges; ++r) {
      at += static_cast<uintptr_t>(offset(rng));
      const int64_t bytes = size(rng);
      ranges.emplace_back(at, bytes);
      at += static_cast<uintptr_t>(bytes);
    }
    split_case(ranges, parts);
  }
  std::printf("test_l2_prefetch: %d cases\n", cases);
  return check::finish("test_l2_prefetch");
}
