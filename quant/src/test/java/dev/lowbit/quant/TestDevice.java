package dev.lowbit.quant;

import dev.lowbit.quant.tensor.Device;

/** The device tests run on: {@code -Dlowbit.test.device=cpu|cuda[:N]} (cpu by default). */
public final class TestDevice {
    private TestDevice() {}

    public static Device get() {
        return Device.parse(System.getProperty("lowbit.test.device", "cpu"));
    }
}
