package dev.lowbit.cli;

import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.export.GptqFormat;
import dev.lowbit.quant.method.rtn.RtnConfig;
import dev.lowbit.quant.method.rtn.RtnModelQuantizer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "rtn", mixinStandardHelpOptions = true,
        description = "Round-to-nearest group quantization of every q/k/v/o/gate/up/down linear (the baseline).",
        footer = {"", "Examples:",
                "  lowbit quantize rtn --model fixtures/tiny --out out/tiny-w4g128 --bits 4 --group 128",
                "  lowbit quantize rtn --model fixtures/tiny --out out/tiny-w4-sym --bits 4 --group 0 --sym",
                "  lowbit quantize rtn --model fixtures/tiny --out out/tiny-w2g64-fake --bits 2 --group 64 --format fake",
                "Then: lowbit eval --model out/tiny-w4g128 --data fixtures/valid.txt"})
final class QuantizeRtnCommand implements Callable<Integer> {
    @Mixin
    ModelOutputOptions paths;

    @Option(names = "--bits", required = true, description = "2, 3 or 4 (up to 8 allowed).")
    int bits;

    @Option(names = "--group", defaultValue = "128", description = "Group size; 0 = per output channel (default: ${DEFAULT-VALUE}).")
    long group;

    @Option(names = "--sym", description = "Symmetric grid (zero point 2^(bits-1)).")
    boolean sym;

    @Option(names = "--format", defaultValue = "gptq", description = "gptq (packed int32) or fake (dequantized 16-bit) (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--gptq-v1", description = "Store zero points as z-1 (GPTQ v1 convention); v2 (z) by default.")
    boolean v1;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        RtnModelQuantizer.Format f = switch (format.toLowerCase(Locale.ROOT)) {
            case "gptq" -> RtnModelQuantizer.Format.GPTQ;
            case "fake" -> RtnModelQuantizer.Format.FAKE;
            default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--format must be gptq or fake, got '" + format + "'");
        };
        RtnConfig config = new RtnConfig(bits, group, sym);
        Path model = paths.model(), out = paths.out;
        try (Engine engine = common.engine()) {
            RtnModelQuantizer.Result r = new RtnModelQuantizer(config, f, v1 ? GptqFormat.V1 : GptqFormat.V2)
                    .quantize(model, out, common.device(), engine, new ConsoleProgress(System.err));
            Table t = new Table("output", "format", "setting", "linears", "relative error", "seconds");
            t.row(r.output(), f.name().toLowerCase(Locale.ROOT) + (f == RtnModelQuantizer.Format.GPTQ ? (v1 ? " v1" : " v2") : ""),
                    config.label(), r.linears(), String.format(Locale.ROOT, "%.4f", r.relativeError()),
                    String.format(Locale.ROOT, "%.1f", r.seconds()));
            t.print(System.out);
        }
        return 0;
    }
}
