package dev.lowbit.cli;

import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.tensor.Device;
import picocli.CommandLine.Option;

/** Options every compute command takes. */
final class CommonOptions {
    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda[:N]",
            description = "Where to compute (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", defaultValue = "0", description = "CPU threads for libtorch (0: all cores).")
    int threads;

    Device device() {
        return Device.parse(device);
    }

    Engine engine() {
        return new Engine(threads, seed);
    }
}
