// lb_version, lb_runtime_info_get, lb_cuda_device_name, lb_set_num_threads, lb_manual_seed, lb_last_error.
#include <cctype>
#include <cstring>
#include <string>
#include <thread>

#include "check.h"
#include "lb_helpers.h"

static void test_last_error_is_per_thread() {
  std::string fresh = "unset";
  std::thread([&] { fresh = lb_last_error(); }).join();
  CHECK(fresh.empty());

  CHECK_FAILS(lb_set_num_threads(0), LB_ERR_INVALID_ARGUMENT, "lb_set_num_threads: threads=0 (expected >= 1)");
  std::string other = "unset";
  std::thread([&] { other = lb_last_error(); }).join();
  CHECK(other.empty());
}

static void test_version() {
  int32_t major = -1, minor = -1, patch = -1;
  CHECK_OK(lb_version(&major, &minor, &patch));
  CHECK_EQ(major, LB_VERSION_MAJOR);
  CHECK_EQ(minor, LB_VERSION_MINOR);
  CHECK_EQ(patch, LB_VERSION_PATCH);
  CHECK_FAILS(lb_version(nullptr, &minor, &patch), LB_ERR_INVALID_ARGUMENT, "lb_version: major is NULL");
}

static void test_runtime_info() {
  const lb_runtime_info info = runtime_info();
  CHECK(std::strlen(info.torch_version) > 0);
  CHECK(std::isdigit(static_cast<unsigned char>(info.torch_version[0])));
  CHECK(info.cuda_built == 0 || info.cuda_built == 1);
  CHECK(info.cuda_device_count >= 0);
  CHECK_EQ(info.cuda_available, info.cuda_device_count > 0 ? 1 : 0);
  if (!info.cuda_built) CHECK_EQ(info.cuda_device_count, 0);
  CHECK(info.num_threads >= 1);
  std::printf("libtorch %s, cuda_built=%d, cuda_devices=%d, threads=%d\n", info.torch_version, info.cuda_built,
              info.cuda_device_count, info.num_threads);

  lb_runtime_info small{};
  small.struct_size = 8;
  CHECK_FAILS(lb_runtime_info_get(&small), LB_ERR_INVALID_ARGUMENT,
              ("info->struct_size=8 is too small (expected >= " + std::to_string(sizeof(lb_runtime_info))).c_str());
  CHECK_FAILS(lb_runtime_info_get(nullptr), LB_ERR_INVALID_ARGUMENT, "info is NULL");
}

static void test_cuda_device_name() {
  const lb_runtime_info info = runtime_info();
  char name[256];
  CHECK_FAILS(lb_cuda_device_name(0, nullptr, 16), LB_ERR_INVALID_ARGUMENT, "buf is NULL");
  CHECK_FAILS(lb_cuda_device_name(0, name, 0), LB_ERR_INVALID_ARGUMENT, "capacity=0 (expected >= 1)");
  if (!info.cuda_built) {
    CHECK_FAILS(lb_cuda_device_name(0, name, sizeof(name)), LB_ERR_UNSUPPORTED, "built without CUDA");
    return;
  }
  CHECK_FAILS(lb_cuda_device_name(-1, name, sizeof(name)), LB_ERR_INVALID_ARGUMENT, "index=-1 out of range");
  CHECK_FAILS(lb_cuda_device_name(info.cuda_device_count, name, sizeof(name)), LB_ERR_INVALID_ARGUMENT,
              "out of range");
  if (info.cuda_device_count > 0) {
    CHECK_OK(lb_cuda_device_name(0, name, sizeof(name)));
    CHECK(std::strlen(name) > 0);
    std::printf("CUDA device 0: %s\n", name);
    char tiny[4];
    CHECK_OK(lb_cuda_device_name(0, tiny, sizeof(tiny)));
    CHECK(std::strlen(tiny) <= 3);
    CHECK(std::strncmp(tiny, name, std::strlen(tiny)) == 0);
  }
}

static void test_threads_and_seed() {
  const int32_t before = runtime_info().num_threads;
  CHECK_OK(lb_set_num_threads(1));
  CHECK_EQ(runtime_info().num_threads, 1);
  CHECK_OK(lb_set_num_threads(before));
  CHECK_EQ(runtime_info().num_threads, before);
  CHECK_FAILS(lb_set_num_threads(-3), LB_ERR_INVALID_ARGUMENT, "threads=-3 (expected >= 1)");
  CHECK_OK(lb_manual_seed(42));
  CHECK_OK(lb_manual_seed(UINT64_MAX));
}

int main() {
  test_last_error_is_per_thread();
  test_version();
  test_runtime_info();
  test_cuda_device_name();
  test_threads_and_seed();
  return check::finish("test_runtime");
}
