package dev.lowbit.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search order and its error report, through {@link LibrarySearch} with explicit inputs. Every
 * search here fails, so none of them loads anything into this JVM.
 */
class NativeLibraryTest {

    private static final String NO_RESOURCE = "natives/absent/liblowbit.so";
    private static final String BROKEN_RESOURCE = "natives/not-a-library/liblowbit.so";
    private static final String NO_LIBRARY = "lowbit_absent_for_test";
    private static final Pattern DLOPEN_ERROR = Pattern.compile("invalid ELF header|too short");

    @TempDir
    Path dir;

    @Test
    void brokenFileInPropertyReportsPathAndDlopenError() throws IOException {
        Path file = notALibrary(dir.resolve("liblowbit.so"));
        String message = failure(file.toString(), null, NO_RESOURCE);
        assertTrue(message.contains(file.toString()), message);
        assertTrue(message.contains(NativeLibrary.PATH_PROPERTY), message);
        assertTrue(DLOPEN_ERROR.matcher(message).find(), message);
    }

    @Test
    void directoryInPropertyMeansTheLibraryInsideIt() throws IOException {
        Path file = notALibrary(dir.resolve(System.mapLibraryName(NO_LIBRARY)));
        String message = failure(dir.toString(), null, NO_RESOURCE);
        assertTrue(message.contains(file.toString()), message);
        assertTrue(DLOPEN_ERROR.matcher(message).find(), message);
    }

    @Test
    void tooShortFileReportsDlopenError() throws IOException {
        Path file = Files.writeString(dir.resolve("liblowbit.so"), "x");
        String message = failure(file.toString(), null, NO_RESOURCE);
        assertTrue(message.contains(file.toString()) && message.contains("too short"), message);
    }

    @Test
    void missingPathsAreReportedAsTriedAndTheSearchGoesOn() {
        Path missing = dir.resolve("nowhere/liblowbit.so");
        Path missingToo = dir.resolve("elsewhere");
        String message = failure(missing.toString(), missingToo.toString(), NO_RESOURCE);
        assertTrue(message.contains(missing + " does not exist"), message);
        assertTrue(message.contains(NativeLibrary.PATH_ENV + " = " + missingToo), message);
        assertTrue(message.contains(NO_RESOURCE + ": not on the class path"), message);
        assertTrue(message.contains("System.loadLibrary(\"" + NO_LIBRARY + "\")"), message);
        assertTrue(message.contains("java.library.path"), message);
    }

    @Test
    void unsetSettingsAreListedToo() {
        String message = failure(null, " ", NO_RESOURCE);
        assertTrue(message.contains("system property " + NativeLibrary.PATH_PROPERTY + ": not set"), message);
        assertTrue(message.contains("environment variable " + NativeLibrary.PATH_ENV + ": not set"), message);
    }

    @Test
    void brokenFileInEnvironmentStopsTheSearch() throws IOException {
        Path file = notALibrary(dir.resolve("liblowbit.so"));
        String message = failure(null, file.toString(), NO_RESOURCE);
        assertTrue(message.contains(NativeLibrary.PATH_ENV + " = " + file), message);
        assertTrue(DLOPEN_ERROR.matcher(message).find(), message);
        assertFalse(message.contains(NO_RESOURCE), "a found file that fails stops the search: " + message);
    }

    @Test
    void bundledCopyIsExtractedAndItsLoadErrorReported() {
        String message = failure(null, null, BROKEN_RESOURCE);
        assertTrue(message.contains("jar resource " + BROKEN_RESOURCE + " (extracted)"), message);
        assertTrue(DLOPEN_ERROR.matcher(message).find(), message);
    }

    @Test
    void bundledResourceOnLinuxX86_64() {
        assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"));
        assertEquals("natives/linux-x86_64/liblowbit.so", NativeLibrary.bundledResource());
    }

    private static String failure(String property, String env, String resource) {
        LibrarySearch search = new LibrarySearch(property, env, resource, NO_LIBRARY);
        return assertThrows(UnsatisfiedLinkError.class, search::load).getMessage();
    }

    private static Path notALibrary(Path file) throws IOException {
        return Files.writeString(file, "this is a text file, not a shared object\n".repeat(4));
    }
}
