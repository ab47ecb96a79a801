package dev.lowbit.quant.model;

import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.tensor.Device;

/** LB_DEVICE_* codes of a {@link Device}. */
final class DeviceCodes {
    private DeviceCodes() {}

    static int type(Device device) {
        return device.kind() == Device.Kind.CPU ? lowbit_h.LB_DEVICE_CPU() : lowbit_h.LB_DEVICE_CUDA();
    }
}
