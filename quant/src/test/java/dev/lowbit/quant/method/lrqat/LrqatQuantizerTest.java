package dev.lowbit.quant.method.lrqat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lowbit.quant.TestDevice;
import dev.lowbit.quant.TestFixtures;
import dev.lowbit.quant.data.TextTokenizer;
import dev.lowbit.quant.data.TokenStream;
import dev.lowbit.quant.data.TokenWindows;
import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.export.GptqCheckpointReader;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.progress.ProgressListener;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LR-QAT on the tiny fixture: merge == training forward through the GPTQ export, loss goes down, resume is exact. */
class LrqatQuantizerTest {
    private static final Path TINY = TestFixtures.tiny();

    private static LrqatConfig config(int bits, long group, boolean sym, int steps, int checkpointEvery) {
        boolean cuda = TestDevice.get().kind() == Device.Kind.CUDA;
        return new LrqatConfig(bits, group, sym, 8, 1.0, Downcast.Q8, steps, 2, 64, 5e-3, 1e-4, 0.1, 1.0, checkpointEvery, 1,
                DType.F32, cuda ? DType.BF16 : DType.F32, 3, 0, TrainingLoss.KD, 1.0, 16, LrqatConfig.defaultPool(steps, 2));
    }

    @Test
    void mergedExportReadsBackAsTheTrainedForwardWeightsBitForBit(@TempDir Path out) throws Exception {
        for (LrqatConfig c : List.of(config(4, 0, true, 0, 0), config(2, 32, false, 0, 0))) {
            Path dir = out.resolve(c.bits() + "");
            ModelConfig mc = ModelConfig.load(TINY);
            TokenWindows batch;
            try (TextTokenizer tokenizer = TextTokenizer.load(TINY)) {
                batch = TokenStream.fromFile(tokenizer, TestFixtures.validText(), 20_000).sample(2, 64, 1);
            }
            try (Engine engine = new Engine(1, 0); Checkpoint checkpoint = Checkpoint.open(TINY)) {
                LrqatModel m = engine.call(() -> LrqatModel.create(mc, c, checkpoint, TestDevice.get(), false, ProgressListener.NONE));
                try {
                    double first = engine.call(() -> m.trainStep(batch, 1e-2, 1e-4, 1.0, true).loss());
                    double last = first;
                    for (int i = 0; i < 8; i++) last = engine.call(() -> m.trainStep(batch, 1e-2, 1e-4, 1.0, true).loss());
                    assertTrue(last < first, "loss " + first + " -> " + last);
                    assertTrue(m.initRelativeError() > 0 && m.initRelativeError() < (c.bits() == 4 ? 0.05 : 0.5), "" + m.initRelativeError());
                    engine.call(() -> new LrqatQuantizer(c).export(m, TINY, dir));
                    try (GptqCheckpointReader reader = GptqCheckpointReader.open(dir)) {
                        assertEquals(c.symmetric(), reader.config().symmetric());
                        for (int layer = 0; layer < mc.numHiddenLayers(); layer++) {
                            for (Projection p : Projection.values()) {
                                int l = layer;
                                float[] trained = engine.call(() -> {
                                    try (Tensor w = m.dequantized(l, p)) {
                                        return w.toFloatArray();
                                    }
                                });
                                float[] exported = engine.call(() -> {
                                    try (Tensor w = reader.dequantize(l, p, Device.CPU)) {
                                        return w.toFloatArray();
                                    }
                                });
                                assertArrayEquals(trained, exported, 0.0f, c.label() + " layer " + layer + " " + p);
                            }
                        }
                    }
                } finally {
                    engine.run(m::close);
                }
            }
        }
    }

    @Test
    void resumeContinuesExactlyAsTheUninterruptedRun(@TempDir Path out) throws Exception {
        LrqatConfig c = config(3, 0, true, 4, 2);
        Path calib = TestFixtures.validText();
        Path straight = out.resolve("straight");
        Path cut = out.resolve("cut");
        try (Engine engine = new Engine(1, 0)) {
            LrqatQuantizer.Result r = new LrqatQuantizer(c).quantize(TINY, calib, null, straight, TestDevice.get(), false, engine,
                    ProgressListener.NONE, TrainingListener.NONE);
            assertEquals(4, r.steps());
            assertEquals(4L * 2 * 64, r.tokens());
            TrainingListener crash = (step, steps, stats, a, s) -> {
                if (step == 3) throw new IllegalStateException("simulated interruption");
            };
            assertThrows(IllegalStateException.class, () -> new LrqatQuantizer(c).quantize(TINY, calib, null, cut, TestDevice.get(),
                    false, engine, ProgressListener.NONE, crash));
            assertTrue(TrainingCheckpoint.exists(cut));
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> new LrqatQuantizer(c).quantize(TINY,
                    calib, null, cut, TestDevice.get(), false, engine, ProgressListener.NONE, TrainingListener.NONE));
            assertTrue(refused.getMessage().contains("--resume"), refused.getMessage());
            assertTrue(TrainingCheckpoint.exists(cut), "a refused rerun keeps the checkpoint");
            LrqatQuantizer.Result resumed = new LrqatQuantizer(c).quantize(TINY, calib, null, cut, TestDevice.get(), true, engine,
                    ProgressListener.NONE, TrainingListener.NONE);
            assertEquals(2, resumed.startStep());
            assertFalse(TrainingCheckpoint.exists(cut), "a finished run removes its checkpoint");
            IllegalArgumentException finished = assertThrows(IllegalArgumentException.class, () -> new LrqatQuantizer(c).quantize(TINY,
                    calib, null, cut, TestDevice.get(), true, engine, ProgressListener.NONE, TrainingListener.NONE));
            assertTrue(finished.getMessage().contains("finished LR-QAT run"), finished.getMessage());
        }
        List<String> a = Files.readAllLines(straight.resolve(LrqatQuantizer.LOSS_LOG));
        List<String> b = Files.readAllLines(cut.resolve(LrqatQuantizer.LOSS_LOG));
        // straight: header + 4 steps; cut: header + steps 1, 2, 3 (before the crash) + resumed 3, 4
        assertEquals(5, a.size());
        assertEquals(6, b.size());
        sameLoss(lossOf(a, 3, 0), lossOf(b, 3, 1), "loss of step 3 after resume");
        sameLoss(lossOf(a, 4, 0), lossOf(b, 4, 0), "loss of step 4 after resume");
        sameLoss(lossOf(a, 1, 0), lossOf(b, 1, 0), "loss of step 1");
        assertTrue(Files.isRegularFile(cut.resolve("config.json")));
    }

    @Test
    void timeLimitPlansFewerStepsAndStillExports(@TempDir Path out) throws Exception {
        LrqatConfig base = config(4, 0, true, 100_000, 0);
        LrqatConfig c = new LrqatConfig(base.bits(), base.groupSize(), base.symmetric(), base.rank(), base.alpha(), base.downcast(),
                base.steps(), 1, 32, base.lrAb(), base.lrScales(), base.warmupFraction(), base.clip(), 0, 1000, base.abDType(),
                base.computeDType(), base.seed(), 1.0, base.loss(), base.kdWeight(), base.kdTopK(), 64);
        try (Engine engine = new Engine(1, 0)) {
            LrqatQuantizer.Result r = new LrqatQuantizer(c).quantize(TINY, TestFixtures.validText(), null, out, TestDevice.get(),
                    false, engine, ProgressListener.NONE, TrainingListener.NONE);
            // a loaded machine may hit the hard stop (1.15 x the limit) before the speed probe ends
            assertTrue(r.steps() >= 1 && r.steps() < 100_000, "steps " + r.steps());
            assertTrue(r.trainSeconds() < 10.0, "train seconds " + r.trainSeconds());  // the limit plus slack for a loaded machine
            assertTrue(!Double.isNaN(r.lastLoss()), "the last step's loss is read back");
        }
        assertTrue(Files.isRegularFile(out.resolve("quantize_config.json")));
    }

    /**
     * Distillation calibrated on text/calib.txt (another domain than valid.txt) must not raise the validation
     * perplexity of the p=4 start (next-token CE on calib.txt did, on the small fixture). Skips without the shared text.
     */
    @Test
    void distillationOnCalibTextDoesNotRaiseValidationPerplexity(@TempDir Path out) throws Exception {
        Path calib = TestFixtures.fixtures().toAbsolutePath().getParent().resolveSibling("shared").resolve("fixtures")
                .resolve("text").resolve("calib.txt");
        assumeTrue(Files.isRegularFile(calib), "no shared fixtures/text/calib.txt");
        Path head = out.resolve("calib-head.txt");
        try (var in = Files.newInputStream(calib)) {
            Files.write(head, in.readNBytes(400_000));
        }
        LrqatConfig base = config(3, 0, true, 8, 0);
        LrqatConfig c = new LrqatConfig(3, 0, true, 8, 1.0, Downcast.Q8, 8, 2, 128, 2e-3, 1e-5, 0.1, 1.0, 0, 1, base.abDType(),
                base.computeDType(), 3, 0, TrainingLoss.KD, 1.0, 32, 16);
        try (Engine engine = new Engine(1, 0)) {
            LrqatQuantizer.Result r = new LrqatQuantizer(c).quantize(TINY, head, TestFixtures.validText(), 8192, out.resolve("kd"),
                    TestDevice.get(), false, engine, ProgressListener.NONE, TrainingListener.NONE);
            assertTrue(r.finalPerplexity() <= r.initPerplexity(),
                    "kd raised the validation perplexity: " + r.initPerplexity() + " -> " + r.finalPerplexity());
        }
    }

    @Test
    void badSettingsAreRejectedWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config(5, 0, true, 1, 0));
        assertTrue(e.getMessage().contains("bits"));
        assertThrows(IllegalArgumentException.class, () -> Downcast.parse("fp8"));
        assertEquals(0.5, new LearningRateSchedule(10, 0.2).factor(1), 1e-12);
        assertEquals(1.0, new LearningRateSchedule(10, 0.2).factor(2), 1e-12);
        assertEquals(1.0 / 8, new LearningRateSchedule(10, 0.2).factor(10), 1e-12);
    }

    @Test
    void defaultsFollowThePaperScaledToTheModel() throws Exception {
        LrqatConfig d = LrqatConfig.defaults(ModelConfig.load(TINY), 4, 0, true, false);
        assertEquals(32, d.rank());
        assertEquals(1e-3, d.lrAb());
        assertEquals(1e-5, d.lrScales());
        assertEquals(400, d.steps(), "the small fixture's recipe: 400 x 16 x 512 tokens at 4 bits");
        assertEquals(16, d.batch());
        assertEquals(800, LrqatConfig.defaults(ModelConfig.load(TINY), 2, 128, false, false).steps(), "twice that at 2 bits");
        assertEquals(DType.F32, d.abDType());
        assertEquals(DType.F32, LrqatConfig.defaults(ModelConfig.load(TINY), 4, 0, true, true).abDType(), "f32 below 1B weights");
    }

    /** Bit-identical on the CPU; CUDA kernels (attention backward) need not be deterministic, so a tolerance there. */
    private static void sameLoss(String expected, String actual, String what) {
        if (TestDevice.get().kind() == Device.Kind.CPU) {
            assertEquals(expected, actual, what);
        } else {
            assertEquals(Double.parseDouble(expected), Double.parseDouble(actual), 1e-3 * Math.abs(Double.parseDouble(expected)), what);
        }
    }

    /** The loss column of the {@code occurrence}-th log row of {@code step}. */
    private static String lossOf(List<String> log, int step, int occurrence) {
        int seen = 0;
        for (String line : log.subList(1, log.size())) {
            String[] cells = line.split("\t");
            if (Integer.parseInt(cells[0]) == step && seen++ == occurrence) return cells[1];
        }
        throw new AssertionError("no row " + occurrence + " for step " + step + " in " + log);
    }
}
