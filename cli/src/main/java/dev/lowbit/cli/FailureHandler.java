package dev.lowbit.cli;

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
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
