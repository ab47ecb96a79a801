// Wall-clock timing of a host call for the CPU timing executables: the median and the minimum of `reps` timed calls
// after `warmup` untimed ones.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

namespace lb_bench {

struct Timing {
  double median_ms, min_ms;
};

inline Timing time_it(const std::function<void()>& f, int reps, int warmup) {
  for (int i = 0; i < warmup; ++i) f();
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.front()};
}

}  // namespace lb_bench
