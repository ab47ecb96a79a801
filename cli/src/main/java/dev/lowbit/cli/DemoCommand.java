package dev.lowbit.cli;

import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.method.rtn.ReconstructionError;
import dev.lowbit.quant.method.rtn.RtnConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Quantize the bundled demo model (a 2.9M-parameter Llama) and show what each bit width costs.",
        footer = {"", "Examples:", "  lowbit demo", "  lowbit demo --model path/to/hf-model --device cuda"})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR", description = "Model folder (default: the bundled tiny model).")
    Path model;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        Path dir = Paths.requireDirectory(model == null ? Paths.demoModel() : model, "model folder");
        ModelConfig config = ModelConfig.load(dir);
        List<RtnConfig> settings = List.of(RtnConfig.asymmetric(4, 128), RtnConfig.asymmetric(3, 128),
                RtnConfig.asymmetric(2, 64), RtnConfig.symmetricPerChannel(4));
        System.out.printf("model  %s (%s, %d layers, hidden %d)%n", dir, config.architecture().className(),
                config.numHiddenLayers(), config.hiddenSize());
        try (Engine engine = common.engine(); Checkpoint checkpoint = Checkpoint.open(dir)) {
            List<ReconstructionError.Row> rows = ReconstructionError.measure(config, checkpoint, settings, common.device(),
                    engine, new ConsoleProgress(System.err));
            System.out.println();
            System.out.println("RTN weight reconstruction error, all q/k/v/o/gate/up/down linears (||W - Q(W)||_F / ||W||_F):");
            Table table = new Table("setting", "bits", "group", "linears", "weights", "relative error");
            for (ReconstructionError.Row r : rows) {
                table.row(r.config().label(), r.config().bits(),
                        r.config().groupSize() > 0 ? String.valueOf(r.config().groupSize()) : "channel",
                        r.linears(), r.weights(), String.format(Locale.ROOT, "%.4f", r.relativeError()));
            }
            table.print(System.out);
        }
        return 0;
    }
}
