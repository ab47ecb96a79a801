package dev.lowbit.bindings;

import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Loads liblowbit.so, once per JVM. Places are tried in this order:
 * <ol>
 *   <li>system property {@value #PATH_PROPERTY}: the library file, or a directory holding liblowbit.so;</li>
 *   <li>environment variable {@value #PATH_ENV}: the same;</li>
 *   <li>the copy bundled in the jar as {@code natives/<os>-<arch>/liblowbit.so}
 *       ({@code natives/linux-x86_64/liblowbit.so} on Linux x86-64), extracted to a temporary file
 *       that is deleted on exit;</li>
 *   <li>{@code System.loadLibrary("lowbit")}, which searches {@code java.library.path}.</li>
 * </ol>
 * Places that are not set or hold no file are skipped. The first file found is the one used: if it
 * fails to load (not a shared object, a missing dependency such as libtorch), {@link #load()} fails
 * rather than quietly loading some other copy. The {@link UnsatisfiedLinkError} it throws lists every
 * place tried and, for each file that failed, the dynamic loader's own error text.
 * <p>
 * The first call of any {@link lowbit_h} function loads the library. Applications should call
 * {@link #load()} at start-up: the error then comes up front, instead of from the first downcall
 * (after which that function's binding stays unusable, failing with {@link NoClassDefFoundError}).
 */
public final class NativeLibrary {

    public static final String PATH_PROPERTY = "lowbit.native.path";
    public static final String PATH_ENV = "LOWBIT_NATIVE_PATH";
    static final String NAME = "lowbit";

    private static volatile Path loadedFrom;

    private NativeLibrary() {
    }

    /**
     * Loads the library if this JVM has not yet; cheap once it has.
     *
     * @throws UnsatisfiedLinkError listing every place tried and why each failed
     */
    public static void load() {
        if (loadedFrom != null) {
            return;
        }
        synchronized (NativeLibrary.class) {
            if (loadedFrom == null) {
                loadedFrom = new LibrarySearch(System.getProperty(PATH_PROPERTY), System.getenv(PATH_ENV),
                        bundledResource(), NAME).load();
            }
        }
    }

    /** The file the library was loaded from, or empty while it is not loaded. */
    public static Optional<Path> loadedFrom() {
        return Optional.ofNullable(loadedFrom);
    }

    /** The class path resource of the bundled copy for this platform. */
    static String bundledResource() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osName = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "macos" : os.replace(' ', '_');
        String archName = arch.equals("amd64") ? "x86_64" : arch;
        return "natives/" + osName + "-" + archName + "/" + System.mapLibraryName(NAME);
    }

    /** A lookup that loads the library before its first search, so lowbit_h can find its symbols. */
    static SymbolLookup loadingFirst(SymbolLookup lookup) {
        return name -> {
            load();
            return lookup.find(name);
        };
    }
}
