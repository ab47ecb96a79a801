package dev.lowbit.cli;

import dev.lowbit.bindings.NativeLibrary;
import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.engine.Runtime;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the native library, libtorch version and the CUDA devices lowbit can use.",
        footer = {"", "Example:", "  lowbit info"})
final class InfoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        try (Engine engine = new Engine()) {
            Runtime rt = engine.call(Runtime::query);
            System.out.printf("lowbit native  %s (%s)%n", rt.version(), NativeLibrary.loadedFrom().map(Object::toString).orElse("?"));
            System.out.printf("libtorch       %s%n", rt.torchVersion());
            System.out.printf("threads        %d%n", rt.threads());
            System.out.printf("CUDA kernels   %s%n", rt.cudaBuilt() ? "built" : "not built");
            System.out.printf("CUDA devices   %s%n", rt.cudaDevices().isEmpty() ? "none" : String.join(", ", rt.cudaDevices()));
        }
        return 0;
    }
}
