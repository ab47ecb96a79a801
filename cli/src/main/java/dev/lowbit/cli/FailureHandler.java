package dev.lowbit.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;

/** A failure during a command: one clear line on stderr (stack trace with LOWBIT_DEBUG=1), exit code 1. */
final class FailureHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        cmd.getErr().println("lowbit " + cmd.getCommandName() + ": error: " + describe(e));
        if ("1".equals(System.getenv("LOWBIT_DEBUG"))) e.printStackTrace(cmd.getErr());
        cmd.getErr().flush();
        return 1;
    }

    static String describe(Throwable e) {
        // the JDK's file exceptions carry only the path as their message
        if (e instanceof NoSuchFileException f) return "no such file: " + f.getFile();
        if (e instanceof AccessDeniedException f) return "permission denied: " + f.getFile();
        if (e instanceof NotDirectoryException f) return "not a directory: " + f.getFile();
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
