package dev.lowbit.bindings;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One search for the native library in {@link NativeLibrary}'s order, with explicit inputs so tests
 * need not touch system properties or the environment. It records each place it tried.
 */
final class LibrarySearch {

    private final String property;
    private final String env;
    private final String resource;
    private final String libraryName;
    private final String fileName;
    private final List<String> tried = new ArrayList<>();

    /**
     * @param property    value of the system property (null if unset)
     * @param env         value of the environment variable (null if unset)
     * @param resource    class path resource of the bundled copy
     * @param libraryName name for {@link System#loadLibrary}, e.g. "lowbit"
     */
    LibrarySearch(String property, String env, String resource, String libraryName) {
        this.property = property;
        this.env = env;
        this.resource = resource;
        this.libraryName = libraryName;
        this.fileName = System.mapLibraryName(libraryName);
    }

    /**
     * Loads the library and returns the file it was loaded from.
     *
     * @throws UnsatisfiedLinkError listing every place tried
     */
    Path load() {
        Path loaded = fromSetting("system property " + NativeLibrary.PATH_PROPERTY, property);
        if (loaded == null) {
            loaded = fromSetting("environment variable " + NativeLibrary.PATH_ENV, env);
        }
        if (loaded == null) {
            loaded = fromResource();
        }
        if (loaded == null) {
            loaded = fromLibraryPath();
        }
        if (loaded == null) {
            throw failure(null);
        }
        return loaded;
    }

    private Path fromSetting(String origin, String value) {
        if (value == null || value.isBlank()) {
            tried.add(origin + ": not set");
            return null;
        }
        Path given = Path.of(value);
        Path file = Files.isDirectory(given) ? given.resolve(fileName) : given;
        if (!Files.exists(file)) {
            tried.add(origin + " = " + value + ": " + file.toAbsolutePath() + " does not exist");
            return null;
        }
        return loadFile(origin + " = " + value, file.toAbsolutePath());
    }

    private Path fromResource() {
        String origin = "jar resource " + resource;
        try (InputStream in = LibrarySearch.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                tried.add(origin + ": not on the class path");
                return null;
            }
            Path dir = Files.createTempDirectory("lowbit-native-");
            Path file = dir.resolve(fileName);
            // registered in this order so that the file is deleted before its directory
            dir.toFile().deleteOnExit();
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return loadFile(origin + " (extracted)", file);
        } catch (IOException e) {
            tried.add(origin + ": could not be extracted: " + e);
            throw failure(e);
        }
    }

    private Path fromLibraryPath() {
        String libraryPath = System.getProperty("java.library.path", "");
        try {
            System.loadLibrary(libraryName);
        } catch (UnsatisfiedLinkError e) {
            tried.add("System.loadLibrary(\"" + libraryName + "\"): " + e.getMessage());
            return null;
        }
        for (String dir : libraryPath.split(File.pathSeparator)) {
            Path file = Path.of(dir.isEmpty() ? "." : dir, fileName);
            if (Files.isRegularFile(file)) {
                return file.toAbsolutePath();
            }
        }
        return Path.of(fileName);
    }

    private Path loadFile(String origin, Path file) {
        try {
            System.load(file.toString());
            return file;
        } catch (UnsatisfiedLinkError e) {
            // the message carries dlerror()'s text, e.g. "invalid ELF header" or a missing libtorch
            tried.add(origin + ": " + file + " failed to load: " + e.getMessage());
            throw failure(e);
        }
    }

    private UnsatisfiedLinkError failure(Throwable cause) {
        StringBuilder message = new StringBuilder("Could not load ").append(fileName)
                .append(". Tried, in order:");
        for (String attempt : tried) {
            message.append("\n  - ").append(attempt);
        }
        if (cause != null) {
            message.append("\nStopped at the first file found, so that no other copy is loaded in its place.");
        }
        message.append("\nPoint -D").append(NativeLibrary.PATH_PROPERTY).append(" or ")
                .append(NativeLibrary.PATH_ENV).append(" at ").append(fileName)
                .append(" (or its directory); build it with:")
                .append(" cmake -S native -B build/native && cmake --build build/native");
        UnsatisfiedLinkError error = new UnsatisfiedLinkError(message.toString());
        if (cause != null) {
            error.initCause(cause);
        }
        return error;
    }
}
