package dev.lowbit.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The input model folder and the output folder every quantize command takes. */
final class ModelOutputOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Full-precision model folder.")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created).")
    Path out;

    /** The model folder, checked to exist. */
    Path model() {
        Paths.requireDirectory(model, "model folder");
        return model;
    }
}
