package dev.lowbit.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the bundled demo files are: {@code -Dlowbit.home} (set by the launcher) or the working directory. */
final class Paths {
    private Paths() {}

    static Path home() {
        String home = System.getProperty("lowbit.home");
        return Path.of(home == null ? "." : home).toAbsolutePath().normalize();
    }

    static Path demoModel() {
        return home().resolve("fixtures/tiny");
    }

    static Path demoText() {
        return home().resolve("fixtures/valid.txt");
    }

    static Path requireDirectory(Path dir, String what) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(what + " " + dir + " is not a folder");
        return dir;
    }
}
