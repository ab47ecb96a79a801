package dev.lowbit.quant.engine;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.lowbit.bindings.lb_runtime_info;
import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/** What the loaded native library was built with and what it can use now. */
public record Runtime(String version, String torchVersion, boolean cudaBuilt, boolean cudaAvailable,
                      List<String> cudaDevices, int threads) {

    public static Runtime query() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment v = call.allocate(JAVA_INT, 3);
            Native.check(lowbit_h.lb_version(v, v.asSlice(4), v.asSlice(8)), "lb_version");
            MemorySegment info = lb_runtime_info.allocate(call);
            lb_runtime_info.struct_size(info, lb_runtime_info.sizeof());
            Native.check(lowbit_h.lb_runtime_info_get(info), "lb_runtime_info_get");
            List<String> devices = new ArrayList<>();
            MemorySegment name = call.allocate(256);
            for (int i = 0; i < lb_runtime_info.cuda_device_count(info); i++) {
                Native.check(lowbit_h.lb_cuda_device_name(i, name, name.byteSize()), "lb_cuda_device_name");
                devices.add(name.getString(0));
            }
            return new Runtime(v.get(JAVA_INT, 0) + "." + v.get(JAVA_INT, 4) + "." + v.get(JAVA_INT, 8),
                    lb_runtime_info.torch_version(info).getString(0),
                    lb_runtime_info.cuda_built(info) != 0, lb_runtime_info.cuda_available(info) != 0,
                    List.copyOf(devices), lb_runtime_info.num_threads(info));
        }
    }
}
