// Tiny assertion helpers for the ctest executables: failures are counted, not fatal.
#pragma once

#include <cstdio>
#include <cstring>
#include <string>

#include "lowbit.h"

namespace check {

inline int& failures() {
  static int count = 0;
  return count;
}

inline void fail(const char* file, int line, const std::string& what) {
  std::fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, what.c_str());
  ++failures();
}

inline int finish(const char* test) {
  if (failures() > 0) {
    std::fprintf(stderr, "%s: %d check(s) failed\n", test, failures());
    return 1;
  }
  std::printf("%s: all checks passed\n", test);
  return 0;
}

inline void status(const char* file, int line, const char* call, int got, int expected, const char* text) {
  const std::string message = lb_last_error();
  if (got != expected) {
    fail(file, line, std::string(call) + " returned " + std::to_string(got) + ", expected " +
                         std::to_string(expected) + " (last error: \"" + message + "\")");
  } else if (expected != LB_OK && text != nullptr && message.find(text) == std::string::npos) {
    fail(file, line, std::string(call) + ": last error \"" + message + "\" does not contain \"" + text + "\"");
  }
}

}  // namespace check

// A test that includes ATen gets glog's CHECK / CHECK_EQ too; these replace them (tests report, they do not abort).
#undef CHECK
#undef CHECK_EQ
#define CHECK(cond)                                           \
  do {                                                        \
    if (!(cond)) check::fail(__FILE__, __LINE__, #cond);      \
  } while (0)

#define CHECK_EQ(a, b)                                                                                 \
  do {                                                                                                 \
    const auto check_a_ = (a);                                                                         \
    const auto check_b_ = (b);                                                                         \
    if (!(check_a_ == check_b_)) {                                                                     \
      check::fail(__FILE__, __LINE__,                                                                  \
                  std::string(#a " == " #b " (") + std::to_string(check_a_) + " vs " +                \
                      std::to_string(check_b_) + ")");                                                 \
    }                                                                                                  \
  } while (0)

#define CHECK_OK(call) check::status(__FILE__, __LINE__, #call, (call), LB_OK, nullptr)

// Checks the status and that lb_last_error() contains `text`.
#define CHECK_FAILS(call, expected_status, text) \
  check::status(__FILE__, __LINE__, #call, (call), (expected_status), (text))
