package dev.lowbit.quant.method.efficientqat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lowbit.quant.TestDevice;
import dev.lowbit.quant.TestFixtures;
import dev.lowbit.quant.data.TextTokenizer;
import dev.lowbit.quant.data.TokenStream;
import dev.lowbit.quant.data.TokenWindows;
import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.eval.Perplexity;
import dev.lowbit.quant.model.LlamaModel;
import dev.lowbit.quant.model.ModelFolders;
import dev.lowbit.quant.model.ModelOptions;
import dev.lowbit.quant.progress.ProgressListener;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** E2E-QP with knowledge distillation from the full-precision model (the default E2E-QP loss). */
class E2eKdTest {
    private static final Device DEVICE = TestDevice.get();

    /** The first 300 kB of the shared calibration text (kernel docs + dictionary), if present. */
    private static Path sharedCalib(Path dir) throws IOException {
        String configured = System.getProperty("lowbit.shared.fixtures");
        Path shared = configured != null ? Path.of(configured)
                : TestFixtures.fixtures().toAbsolutePath().getParent().resolveSibling("shared").resolve("fixtures");
        Path calib = shared.resolve("text/calib.txt");
        assumeTrue(Files.isRegularFile(calib), "shared fixtures text/calib.txt not present");
        Path file = dir.resolve("calib.txt");
        try (var in = Files.newInputStream(calib)) {
            Files.write(file, in.readNBytes(300_000));
        }
        return file;
    }

    private static double perplexity(Path folder, TokenWindows windows, Engine engine) throws IOException {
        try (LlamaModel m = ModelFolders.open(folder, engine, ModelOptions.defaults().withDevice(DEVICE))) {
            return Perplexity.evaluate(m, windows, 8, ProgressListener.NONE).perplexity();
        }
    }

    private static void copyBlockAp(Path from, Path to) throws IOException {
        Files.createDirectories(to.resolve("blockap"));
        try (var files = Files.list(from.resolve("blockap"))) {
            for (Path f : files.toList()) Files.copy(f, to.resolve("blockap").resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Calibrated on text from another domain than the validation text, next-token E2E-QP can fit the calibration
     * domain; distillation from the fp model must not make the validation perplexity worse than Block-AP alone.
     */
    @Test
    void kdOnOutOfDomainCalibrationDoesNotRaiseValidationPerplexity(@TempDir Path dir) throws Exception {
        Path calib = sharedCalib(dir), model = TestFixtures.tiny();
        EfficientQatConfig qat = new EfficientQatConfig(2, 64, 16, 256, 4, 1, 2, 2e-5, 1e-4, DType.F32, 11);
        E2eQpConfig kd = new E2eQpConfig(32, 256, 1, 4, 1e-4, 0.03, 0.3);
        assertEquals(E2eQpConfig.Loss.KD, kd.loss(), "KD is the default E2E-QP loss");
        TokenWindows valid;
        try (TextTokenizer tok = TextTokenizer.load(model)) {
            valid = TokenWindows.consecutive(TokenStream.fromFile(tok, TestFixtures.validText(), 32_768), 512);
        }
        Path blockAp = dir.resolve("blockap-only"), withKd = dir.resolve("kd");
        try (Engine engine = new Engine(0, 0)) {
            new BlockApQuantizer(qat).quantize(model, calib, blockAp, DEVICE, engine, false, -1, null, ProgressListener.NONE);
            copyBlockAp(blockAp, withKd);
            BlockApQuantizer.Result r = new BlockApQuantizer(qat).quantize(model, calib, withKd, DEVICE, engine, true, -1, kd,
                    ProgressListener.NONE);
            assertEquals(8, r.e2e().steps());
            double before = perplexity(blockAp, valid, engine), after = perplexity(withKd, valid, engine);
            assertTrue(after <= before, String.format("Block-AP %.4f -> Block-AP + E2E-QP (kd) %.4f", before, after));
        }
        assertTrue(Files.readString(withKd.resolve("train_log.jsonl")).contains("\"phase\":\"e2e_qp\""));
    }

    @Test
    void badKdSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new E2eQpConfig(8, 32, 1, 4, 1e-4, 0.03, 0.3, E2eQpConfig.Loss.KD, 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new E2eQpConfig(8, 32, 1, 4, 1e-4, 0.03, 0.3, E2eQpConfig.Loss.KD, 32, 1.5));
    }
}
