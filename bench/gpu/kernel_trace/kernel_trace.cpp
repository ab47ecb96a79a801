// A CUDA injection library that records every kernel's start and end (CUPTI concurrent-kernel activity, kernels of
// CUDA graphs included, with their graph and node ids) and writes them as CSV when the process exits. It needs no
// change to the traced program and no Nsight tool on the machine (the GPU machine has neither nsys nor a JDK-side
// profiler): any process that initialises the CUDA driver with
//   CUDA_INJECTION64_PATH=/path/libkernel_trace.so LOWBIT_KERNEL_TRACE=/path/trace.csv <command>
// is traced. Built by bench/gpu/stages/kerneltrace.sh; read by bench/gpu/kernel_trace/summarize.py.
// Columns: start_ns, end_ns, graph_id, graph_node_id, grid_x, block_x, name (demangled, commas replaced).
#include <cupti.h>
#include <cxxabi.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

namespace {

struct KernelRecord {
  uint64_t start, end, node;
  uint32_t graph;
  int32_t grid_x, block_x;
  std::string name;
};

std::mutex records_mutex;
std::vector<KernelRecord> records;

std::string readable(const char* mangled) {
  if (mangled == nullptr) return "?";
  int status = 0;
  char* d = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  std::string s = status == 0 && d != nullptr ? d : mangled;
  std::free(d);
  for (char& c : s) {
    if (c == ',' || c == '\n') c = ';';
  }
  return s;
}

void CUPTIAPI buffer_requested(uint8_t** buffer, size_t* size, size_t* max_records) {
  *size = size_t{8} << 20;
  *buffer = static_cast<uint8_t*>(std::aligned_alloc(8, *size));
  if (*buffer == nullptr) *size = 0;  // CUPTI drops the records it cannot place, and says so in its own count
  *max_records = 0;
}

void CUPTIAPI buffer_completed(CUcontext, uint32_t, uint8_t* buffer, size_t, size_t valid) {
  CUpti_Activity* record = nullptr;
  std::lock_guard<std::mutex> lock(records_mutex);
  while (cuptiActivityGetNextRecord(buffer, valid, &record) == CUPTI_SUCCESS) {
    if (record->kind != CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL && record->kind != CUPTI_ACTIVITY_KIND_KERNEL) continue;
    const auto* k = reinterpret_cast<const CUpti_ActivityKernel10*>(record);
    records.push_back({k->start, k->end, k->graphNodeId, k->graphId, k->gridX, k->blockX, readable(k->name)});
  }
  std::free(buffer);
}

void write_trace() {
  cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
  const char* path = std::getenv("LOWBIT_KERNEL_TRACE");
  FILE* f = std::fopen(path != nullptr && *path != '\0' ? path : "kernel_trace.csv", "w");
  if (f == nullptr) {
    std::fprintf(stderr, "kernel_trace: cannot write %s\n", path != nullptr ? path : "kernel_trace.csv");
    return;
  }
  std::lock_guard<std::mutex> lock(records_mutex);
  std::fprintf(f, "start_ns,end_ns,graph_id,graph_node_id,grid_x,block_x,name\n");
  for (const KernelRecord& r : records) {
    std::fprintf(f, "%llu,%llu,%u,%llu,%d,%d,%s\n", static_cast<unsigned long long>(r.start),
                 static_cast<unsigned long long>(r.end), r.graph, static_cast<unsigned long long>(r.node), r.grid_x,
                 r.block_x, r.name.c_str());
  }
  std::fclose(f);
  std::fprintf(stderr, "kernel_trace: %zu kernels\n", records.size());
}

}  // namespace

// Called by the CUDA driver when CUDA_INJECTION64_PATH names this library.
extern "C" int InitializeInjection(void) {
  if (cuptiActivityRegisterCallbacks(buffer_requested, buffer_completed) != CUPTI_SUCCESS ||
      cuptiActivityEnable(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL) != CUPTI_SUCCESS) {
    std::fprintf(stderr, "kernel_trace: CUPTI activity tracing could not be enabled\n");
    return 0;
  }
  std::atexit(write_trace);
  return 1;
}
