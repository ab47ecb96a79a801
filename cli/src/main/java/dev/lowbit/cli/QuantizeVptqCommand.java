package dev.lowbit.cli;

import dev.lowbit.quant.data.TextTokenizer;
import dev.lowbit.quant.data.TokenStream;
import dev.lowbit.quant.data.TokenWindows;
import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.engine.Runtime;
import dev.lowbit.quant.method.vptq.HessianCollector;
import dev.lowbit.quant.method.vptq.Hessians;
import dev.lowbit.quant.method.vptq.VptqConfig;
import dev.lowbit.quant.method.vptq.VptqModelQuantizer;
import dev.lowbit.quant.tensor.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "vptq", mixinStandardHelpOptions = true,
        description = "VPTQ: second-order vector quantization with Hessian-weighted k-means codebooks (specs/vptq.md).",
        footer = {"", "Examples:",
                "  lowbit quantize vptq --model fixtures/tiny --out out/tiny-v4k256 --vector-len 4 --codebook 256 --calib fixtures/valid.txt --samples 16 --seq 128",
                "  lowbit quantize vptq --model M --out O --vector-len 6 --codebook 4096 --calib calib.txt --hessians out/hessians --device cuda",
                "--device cuda uses every visible GPU (one engine thread each); cuda:N only GPU N.",
                "Then: lowbit eval --model out/tiny-v4k256 --data fixtures/valid.txt"})
final class QuantizeVptqCommand implements Callable<Integer> {
    @Mixin
    ModelOutputOptions paths;

    @Option(names = "--vector-len", required = true, paramLabel = "V", description = "Vector length v.")
    int vectorLen;

    @Option(names = "--codebook", required = true, paramLabel = "K", description = "Codebook size k (power of two).")
    int codebook;

    @Option(names = "--residual", defaultValue = "0", paramLabel = "KR", description = "Residual codebook size (0: none).")
    int residual;

    @Option(names = "--outliers", defaultValue = "0", paramLabel = "PCT", description = "Percent of input columns with their own codebook (v0 = 4).")
    double outliers;

    @Option(names = "--outlier-codebook", defaultValue = "1024", paramLabel = "K0", description = "Outlier codebook size (default: ${DEFAULT-VALUE}).")
    int outlierCodebook;

    @Option(names = "--groups", defaultValue = "1", paramLabel = "G", description = "Column groups with their own codebooks.")
    int groups;

    @Option(names = "--no-norm", description = "No per-column normalization.")
    boolean noNorm;

    @Option(names = "--no-act-order", description = "No act-order permutation.")
    boolean noActOrder;

    @Option(names = "--finetune-steps", defaultValue = "0", paramLabel = "N", description = "Layer-wise fine-tuning: Adam steps on the codebooks (indices fixed) minimizing the layer-output MSE over the calibration inputs, tr(dW H dW^T); 0: none.")
    int finetuneSteps;

    @Option(names = "--kmeans-iters", defaultValue = "100", description = "k-means iterations (default: ${DEFAULT-VALUE}).")
    int kmeansIters;

    @Option(names = "--kmeans-tol", defaultValue = "1e-5", description = "k-means relative tolerance (default: ${DEFAULT-VALUE}).")
    double kmeansTol;

    @Option(names = "--calib", paramLabel = "FILE", description = "Calibration text (needed unless --hessians holds a collection).")
    Path calib;

    @Option(names = "--samples", defaultValue = "256", description = "Calibration windows (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seq", defaultValue = "512", description = "Tokens per window (default: ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--batch", defaultValue = "16", description = "Windows per forward pass while collecting Hessians (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--hessians", paramLabel = "DIR", description = "Reuse the Hessians in DIR, or collect and save them there.")
    Path hessiansDir;

    @Option(names = "--resume", description = "Continue a stopped run in --out: the linears it saved (<out>/vptq-parts/) are kept, "
            + "the rest quantized (same settings required; give --hessians to skip collecting them again).")
    boolean resume;

    @Option(names = "--stop-after", defaultValue = "-1", paramLabel = "N",
            description = "Stop after saving this many linears, without writing the checkpoint (for resume tests).")
    int stopAfter;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        VptqConfig config;
        try {
            config = new VptqConfig(vectorLen, codebook, residual, outliers, outlierCodebook, groups, !noNorm, !noActOrder,
                    kmeansIters, kmeansTol, common.seed, finetuneSteps);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        Path model = paths.model(), out = paths.out;
        Device device = common.device();
        List<VptqModelQuantizer.Worker> workers = new ArrayList<>();
        try {
            List<Device> devices = new ArrayList<>();
            if (device.kind() == Device.Kind.CUDA && common.device.trim().equalsIgnoreCase("cuda")) {
                int count = Runtime.query().cudaDevices().size();
                for (int i = 0; i < Math.max(1, count); i++) devices.add(Device.cuda(i));
            } else {
                devices.add(device);
            }
            for (Device d : devices) workers.add(new VptqModelQuantizer.Worker(common.engine(), d));
            Engine main = workers.getFirst().engine();
            ConsoleProgress progress = new ConsoleProgress(System.err);
            long t0 = System.nanoTime();
            Hessians hessians;
            if (hessiansDir != null && Hessians.existsIn(hessiansDir)) {
                hessians = Hessians.load(hessiansDir);
            } else {
                if (calib == null) throw new CommandLine.ParameterException(new CommandLine(this), "--calib FILE is required (no Hessians in --hessians)");
                TokenWindows windows;
                try (TextTokenizer tokenizer = TextTokenizer.load(model)) {
                    TokenStream stream = TokenStream.fromFile(tokenizer, calib, TokenStream.UNLIMITED);
                    windows = TokenWindows.sampled(stream, samples, seq, common.seed);
                }
                hessians = HessianCollector.collect(model, windows, batch, devices.getFirst(), main, progress);
                if (hessiansDir != null) hessians.save(hessiansDir);
            }
            double hessianSeconds = (System.nanoTime() - t0) / 1e9;
            VptqModelQuantizer.Result r = new VptqModelQuantizer(config).quantize(model, out, hessians, workers, resume, stopAfter,
                    progress);
            if (r.stopped()) {
                System.out.printf(Locale.ROOT, "stopped: %d of %d linears saved in %s; continue with --resume%n",
                        r.saved(), r.linears(), out.resolve(VptqModelQuantizer.PARTS_DIR));
                return 0;
            }
            Table t = new Table("output", "setting", "linears", "index bits", "total bits/weight", "proxy error", "hessians s", "quantize s");
            t.row(r.output(), config.label(), r.linears() + (r.resumed() > 0 ? " (" + r.resumed() + " resumed)" : ""), String.format(Locale.ROOT, "%.3f", r.indexBits()),
                    String.format(Locale.ROOT, "%.3f", r.bitsPerWeight()), String.format(Locale.ROOT, "%.4g", r.proxyError()),
                    String.format(Locale.ROOT, "%.1f", hessianSeconds), String.format(Locale.ROOT, "%.1f", r.seconds()));
            t.print(System.out);
        } finally {
            for (VptqModelQuantizer.Worker w : workers) w.engine().close();
        }
        return 0;
    }
}
