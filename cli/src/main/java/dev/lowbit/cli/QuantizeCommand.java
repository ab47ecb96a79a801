package dev.lowbit.cli;

import picocli.CommandLine.Command;

@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "Quantize a Hugging Face model folder.",
        subcommands = {QuantizeRtnCommand.class, QuantizeEfficientQatCommand.class, QuantizeVptqCommand.class,
                QuantizeLrqatCommand.class},
        footer = {"", "Examples:", "  lowbit quantize rtn --model fixtures/tiny --out out/tiny-w4g128 --bits 4 --group 128"})
final class QuantizeCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
