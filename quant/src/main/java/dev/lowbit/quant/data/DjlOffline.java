package dev.lowbit.quant.data;

/**
 * Keeps DJL from touching the network. DJL's tokenizers jar bundles {@code libtokenizers} for
 * linux-x86_64/aarch64, macOS arm64 and Windows and copies it to its cache directory on first use;
 * online, it would instead pick a CUDA build on a GPU machine (not bundled, so downloaded from
 * publish.djl.ai) and send a telemetry request. Offline mode makes it take the bundled CPU build and
 * skip telemetry. DJL reads environment variables before system properties, so an environment that
 * turns offline mode off or asks for a CUDA build is refused rather than silently obeyed.
 */
final class DjlOffline {
    private static boolean enforced;

    private DjlOffline() {
    }

    /** Call before the first use of any DJL class that may load the native library. */
    static synchronized void enforce() {
        if (enforced) {
            return;
        }
        String offlineEnv = System.getenv("DJL_OFFLINE");
        if (offlineEnv != null && !Boolean.parseBoolean(offlineEnv)) {
            throw new IllegalStateException("environment variable DJL_OFFLINE=" + offlineEnv
                    + " would let DJL download files; lowbit loads tokenizers offline only: unset it");
        }
        String flavor = System.getenv("RUST_FLAVOR");
        if (flavor == null) {
            flavor = System.getProperty("RUST_FLAVOR");
        }
        if (flavor != null && flavor.startsWith("cu")) {
            throw new IllegalStateException("RUST_FLAVOR=" + flavor
                    + " asks DJL to download a CUDA build of its tokenizers library; lowbit uses the"
                    + " CPU build bundled in the jar: unset it");
        }
        // DJL probes CUDA through JNA by dlopen'ing a libcudart of its own into the global symbol scope;
        // libtorch's and liblowbit's not-yet-bound CUDA calls then resolve into that second runtime and
        // every later CUDA call fails with "invalid resource handle" (seen on the H100). Probe in a child JVM.
        System.setProperty("ai.djl.util.cuda.fork", "true");
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        enforced = true;
    }
}
