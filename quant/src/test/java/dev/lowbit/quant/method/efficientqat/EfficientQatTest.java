package dev.lowbit.quant.method.efficientqat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.quant.LowbitException;
import dev.lowbit.quant.TestDevice;
import dev.lowbit.quant.TestFixtures;
import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.model.BlockWeightSource;
import dev.lowbit.quant.model.BlockWeights;
import dev.lowbit.quant.model.DecoderBlock;
import dev.lowbit.quant.progress.ProgressListener;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EfficientQatTest {
    private static final Device DEVICE = TestDevice.get();

    private static EfficientQatConfig small(int bits, long group) {
        return new EfficientQatConfig(bits, group, 6, 48, 2, 1, 2, 1e-4, 1e-3, DType.F32, 7);
    }

    /** The first 40 kB of the validation text: tokenizing the whole file would dominate these tests. */
    private static Path calib(Path dir) throws java.io.IOException {
        Path file = dir.resolve("calib.txt");
        if (!Files.exists(file)) {
            String text = Files.readString(TestFixtures.validText());
            Files.writeString(file, text.substring(0, Math.min(text.length(), 40_000)));
        }
        return file;
    }

    private static Tensor randomHidden(int rows, int seq, int hidden, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[rows * seq * hidden];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        return Tensor.of(v, rows, seq, hidden);
    }

    @Test
    void trainingStepsDecreaseTheReconstructionLossOfATinyBlock() throws Exception {
        ModelConfig mc = ModelConfig.load(TestFixtures.tiny());
        try (Checkpoint checkpoint = Checkpoint.open(TestFixtures.tiny());
             BlockWeights weights = BlockWeightSource.of(mc, checkpoint).load(0, DEVICE);
             Tensor x = randomHidden(4, 32, mc.hiddenSize(), 1);
             DecoderBlock fp = DecoderBlock.create(mc, DType.F32, weights, DEVICE);
             Tensor y = fp.forward(x);
             QatBlock q = QatBlock.create(mc, weights, small(2, 64), DEVICE)) {
            double before = q.evalLoss(x, y, 0, 4);
            for (int i = 0; i < 30; i++) q.trainStep(x, y, (i % 2) * 2, 2, 1e-4, 1e-3);
            double[] losses = q.takeLosses(64);
            assertEquals(30, losses.length);
            double after = q.evalLoss(x, y, 0, 4);
            assertTrue(before > 0 && after < before * 0.9, "loss " + before + " -> " + after);
            // The exported integers reproduce the trained block's forward exactly.
            try (QatBlock.Linear l = q.export(Projection.DOWN)) {
                assertArrayEquals(new long[] {mc.hiddenSize(), mc.intermediateSize()}, l.codes().shape());
                for (byte b : l.codes().toByteArray()) assertTrue((b & 0xff) <= 3);
            }
        }
    }

    @Test
    void aNonFiniteLossIsReportedWithItsStep() throws Exception {
        ModelConfig mc = ModelConfig.load(TestFixtures.tiny());
        try (Checkpoint checkpoint = Checkpoint.open(TestFixtures.tiny());
             BlockWeights weights = BlockWeightSource.of(mc, checkpoint).load(0, DEVICE);
             Tensor x = randomHidden(2, 16, mc.hiddenSize(), 2);
             QatBlock q = QatBlock.create(mc, weights, small(2, 64), DEVICE)) {
            float[] bad = x.toFloatArray();
            bad[5] = Float.NaN;
            try (Tensor nan = Tensor.of(bad, 2, 16, mc.hiddenSize())) {
                q.trainStep(x, x, 0, 2, 1e-4, 1e-3);
                q.trainStep(nan, x, 0, 2, 1e-4, 1e-3);
                LowbitException e = assertThrows(LowbitException.class, () -> q.takeLosses(8));
                assertTrue(e.getMessage().contains("step 2"), e.getMessage());
            }
        }
    }

    @Test
    void resumedRunEqualsUninterruptedRun(@TempDir Path dir) throws Exception {
        EfficientQatConfig config = small(2, 64);
        Path full = dir.resolve("full"), again = dir.resolve("again"), resident = dir.resolve("resident"), resumed = dir.resolve("resumed");
        try (Engine engine = new Engine(0, 0)) {
            BlockApQuantizer q = new BlockApQuantizer(config);
            Path model = TestFixtures.tiny(), calib = calib(dir);
            assertFalse(q.quantize(model, calib, full, DEVICE, engine, false, -1, ProgressListener.NONE).stopped());
            // the same run with the caches spilled to disk
            new BlockApQuantizer(config, dir.resolve("spill")).quantize(model, calib, again, DEVICE, engine, false, -1,
                    ProgressListener.NONE);
            // and with the caches in native tensors on the run's device (the CUDA default when they fit)
            BlockApQuantizer.Result onDevice = new BlockApQuantizer(config).withResidentCaches(true)
                    .quantize(model, calib, resident, DEVICE, engine, false, -1, ProgressListener.NONE);
            assertTrue(onDevice.phases().seconds().keySet().containsAll(java.util.List.of("tokenize", "embed", "targets", "train",
                    "propagate", "export")), onDevice.phases().toString());
            assertTrue(q.quantize(model, calib, resumed, DEVICE, engine, false, 2, ProgressListener.NONE).stopped());
            assertFalse(Files.exists(resumed.resolve("model.safetensors")));
            // a rerun without --resume keeps the saved blocks and says how to go on
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> q.quantize(model, calib, resumed, DEVICE, engine, false, -1, ProgressListener.NONE));
            assertTrue(refused.getMessage().contains("holds 2 blocks") && refused.getMessage().contains("--resume"),
                    refused.getMessage());
            assertTrue(Files.exists(resumed.resolve("blockap/block-001.bin")));
            BlockApQuantizer.Result r = q.quantize(model, calib, resumed, DEVICE, engine, true, -1, ProgressListener.NONE);
            assertTrue(r.blocks().get(0).resumed() && r.blocks().get(1).resumed() && !r.blocks().get(2).resumed());
        }
        byte[] a = Files.readAllBytes(full.resolve("model.safetensors"));
        assertArrayEquals(a, Files.readAllBytes(again.resolve("model.safetensors")), "same seed (spilled caches), same result");
        assertArrayEquals(a, Files.readAllBytes(resident.resolve("model.safetensors")), "same seed (resident caches), same result");
        try (var left = Files.list(dir.resolve("spill"))) {
            assertEquals(0, left.count(), "spill files are deleted");
        }
        assertArrayEquals(a, Files.readAllBytes(resumed.resolve("model.safetensors")), "resume == uninterrupted");
        assertTrue(Files.readString(full.resolve("quantize_config.json")).contains("\"bits\""));
    }

    @Test
    void aGroupThatDoesNotDivideALinearIsRefusedBeforeAnyWork(@TempDir Path dir) throws Exception {
        try (Engine engine = new Engine(0, 0)) {
            Path model = TestFixtures.tiny(), calib = calib(dir);
            Path out = dir.resolve("out");
            // tiny: hidden 128, intermediate 384: 96 divides 384 but not 128
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BlockApQuantizer(small(2, 96))
                    .quantize(model, calib, out, DEVICE, engine, false, -1, ProgressListener.NONE));
            assertTrue(e.getMessage().contains("--group 96 does not divide hidden_size"), e.getMessage());
            assertFalse(Files.exists(out), "nothing written before the check");
        }
    }

    @Test
    void resumeWithOtherSettingsIsRefused(@TempDir Path dir) throws Exception {
        try (Engine engine = new Engine(0, 0)) {
            Path model = TestFixtures.tiny(), calib = calib(dir);
            new BlockApQuantizer(small(2, 64)).quantize(model, calib, dir, DEVICE, engine, false, 1, ProgressListener.NONE);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BlockApQuantizer(small(3, 64))
                    .quantize(model, calib, dir, DEVICE, engine, true, -1, ProgressListener.NONE));
            assertTrue(e.getMessage().contains("different settings"), e.getMessage());
        }
    }

    @Test
    void e2eQpLowersTheHeldOutLossAndChangesOnlyScales(@TempDir Path dir) throws Exception {
        EfficientQatConfig config = new EfficientQatConfig(2, 64, 8, 32, 4, 1, 2, 1e-4, 1e-3, DType.F32, 3);
        E2eQpConfig e2e = new E2eQpConfig(16, 32, 1, 4, 2e-3, 0.03, 0.3).withLoss(E2eQpConfig.Loss.CE, 1, 0);
        try (Engine engine = new Engine(0, 0)) {
            BlockApQuantizer.Result r = new BlockApQuantizer(config).quantize(TestFixtures.tiny(), calib(dir), dir,
                    DEVICE, engine, false, -1, e2e, ProgressListener.NONE);
            assertEquals(4, r.e2e().steps());
            assertTrue(r.e2e().valAfter() < r.e2e().valBefore(), r.e2e().toString());
        }
        assertTrue(Files.readString(dir.resolve("train_log.jsonl")).contains("\"phase\":\"e2e_qp\""));
        assertEquals(2e-3 / 1, e2e.lrAt(0), 1e-12);  // 3% of 4 steps rounds up to one warmup step
        assertEquals(0, e2e.lrAt(4), 1e-12);
    }

    @Test
    void e2eQpWithKdTrainsAgainstTheTeacher(@TempDir Path dir) throws Exception {
        EfficientQatConfig config = new EfficientQatConfig(2, 64, 8, 32, 4, 1, 2, 1e-4, 1e-3, DType.F32, 3);
        E2eQpConfig e2e = new E2eQpConfig(16, 32, 1, 4, 2e-3, 0.03, 0.3).withLoss(E2eQpConfig.Loss.KD, 8, 0.25);
        try (Engine engine = new Engine(0, 0)) {
            BlockApQuantizer.Result r = new BlockApQuantizer(config, dir.resolve("spill")).quantize(TestFixtures.tiny(), calib(dir),
                    dir, DEVICE, engine, false, -1, e2e, ProgressListener.NONE);
            assertEquals(4, r.e2e().steps());
            assertTrue(Double.isFinite(r.e2e().firstLoss()) && r.e2e().firstLoss() > 0, r.e2e().toString());
        }
    }

    @Test
    void e2eQpDrawsItsWindowsFromItsOwnTextWhenGivenOne(@TempDir Path dir) throws Exception {
        EfficientQatConfig config = new EfficientQatConfig(2, 64, 8, 32, 4, 1, 2, 1e-4, 1e-3, DType.F32, 3);
        E2eQpConfig e2e = new E2eQpConfig(16, 32, 1, 4, 2e-3, 0.03, 0.3).withLoss(E2eQpConfig.Loss.KD, 8, 0);
        Path calib = calib(dir), other = dir.resolve("other.txt"), tooShort = dir.resolve("short.txt");
        String text = Files.readString(TestFixtures.validText());
        Files.writeString(other, text.substring(text.length() - 40_000));
        Files.writeString(tooShort, "a few words");
        try (Engine engine = new Engine(0, 0)) {
            Path model = TestFixtures.tiny();
            double byDefault = new BlockApQuantizer(config).quantize(model, calib, dir.resolve("a"), DEVICE, engine, false, -1, e2e,
                    ProgressListener.NONE).e2e().firstLoss();
            double sameFile = new BlockApQuantizer(config).quantize(model, calib, dir.resolve("b"), DEVICE, engine, false, -1,
                    e2e.withText(calib), ProgressListener.NONE).e2e().firstLoss();
            double otherFile = new BlockApQuantizer(config).quantize(model, calib, dir.resolve("c"), DEVICE, engine, false, -1,
                    e2e.withText(other), ProgressListener.NONE).e2e().firstLoss();
            assertEquals(byDefault, sameFile, 0.0, "the calibration text named explicitly gives the same windows");
            assertNotEquals(byDefault, otherFile, "another text gives other windows");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BlockApQuantizer(config)
                    .quantize(model, calib, dir.resolve("d"), DEVICE, engine, false, -1, e2e.withText(tooShort), ProgressListener.NONE));
            assertTrue(e.getMessage().contains("short.txt"), e.getMessage());
        }
    }

    @Test
    void e2eQpResumedFromItsCheckpointEqualsAnUninterruptedRun(@TempDir Path dir) throws Exception {
        EfficientQatConfig config = new EfficientQatConfig(2, 64, 8, 32, 4, 1, 2, 1e-4, 1e-3, DType.F32, 3);
        E2eQpConfig e2e = new E2eQpConfig(32, 32, 1, 4, 2e-3, 0.03, 0.3).withLoss(E2eQpConfig.Loss.KD, 8, 0.25);  // 8 steps
        Path full = dir.resolve("full"), cut = dir.resolve("cut");
        try (Engine engine = new Engine(0, 0)) {
            Path model = TestFixtures.tiny(), calib = calib(dir);
            BlockApQuantizer.Result a = new BlockApQuantizer(config).withE2eCheckpointEvery(3)
                    .quantize(model, calib, full, DEVICE, engine, false, -1, e2e, ProgressListener.NONE);
            assertFalse(a.stopped());
            assertFalse(Files.exists(full.resolve(BlockApQuantizer.E2E_STATE)), "the checkpoint goes once the export is written");
            // stop after step 5 (checkpoints at 3 and 5), then resume with the same settings
            BlockApQuantizer.Result b = new BlockApQuantizer(config).withE2eCheckpointEvery(3).withE2eStopAfter(5)
                    .quantize(model, calib, cut, DEVICE, engine, false, -1, e2e, ProgressListener.NONE);
            assertTrue(b.stopped() && b.e2e().stopped());
            assertFalse(Files.exists(cut.resolve("model.safetensors")));
            assertTrue(Files.exists(cut.resolve(BlockApQuantizer.E2E_STATE)));
            // other E2E settings are refused
            E2eQpConfig other = new E2eQpConfig(32, 32, 1, 4, 1e-3, 0.03, 0.3).withLoss(E2eQpConfig.Loss.KD, 8, 0.25);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BlockApQuantizer(config)
                    .quantize(model, calib, cut, DEVICE, engine, true, -1, other, ProgressListener.NONE));
            assertTrue(e.getMessage().contains("different settings"), e.getMessage());
            // a truncated checkpoint is a clear error, and the intact one still resumes afterwards
            Path state = cut.resolve(BlockApQuantizer.E2E_STATE), saved = dir.resolve("state.bin");
            Files.copy(state, saved);
            Files.write(state, java.util.Arrays.copyOf(Files.readAllBytes(saved), (int) (Files.size(saved) / 2)));
            RuntimeException t = assertThrows(RuntimeException.class, () -> new BlockApQuantizer(config)
                    .quantize(model, calib, cut, DEVICE, engine, true, -1, e2e, ProgressListener.NONE));
            assertTrue(String.valueOf(t.getMessage()).contains("truncated"), String.valueOf(t.getMessage()));
            Files.copy(saved, state, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            BlockApQuantizer.Result c = new BlockApQuantizer(config).withE2eCheckpointEvery(3)
                    .quantize(model, calib, cut, DEVICE, engine, true, -1, e2e, ProgressListener.NONE);
            assertFalse(c.stopped());
            assertEquals(a.e2e().valBefore(), c.e2e().valBefore(), 0.0, "the held-out loss before training comes from the checkpoint");
            assertEquals(a.e2e().valAfter(), c.e2e().valAfter(), 0.0);
        }
        assertArrayEquals(Files.readAllBytes(full.resolve("model.safetensors")), Files.readAllBytes(cut.resolve("model.safetensors")),
                "E2E-QP resumed at step 6 == uninterrupted");
        // the log has every step of the uninterrupted run, and steps 6..8 after the resume
        String log = Files.readString(cut.resolve("train_log.jsonl"));
        for (int step = 1; step <= 8; step++) assertTrue(log.contains("\"phase\":\"e2e_qp\",\"epoch\":0,\"step\":" + step + ","), log);
    }

    @Test
    void cosineGoesFromLrToOneTwentieth() {
        assertEquals(1e-4, BlockApQuantizer.cosine(1e-4, 0, 100), 1e-12);
        assertEquals(5e-6, BlockApQuantizer.cosine(1e-4, 100, 100), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new EfficientQatConfig(5, 64, 8, 64, 0, 1, 2, 1e-5, 1e-4, DType.F32, 0));
    }
}
