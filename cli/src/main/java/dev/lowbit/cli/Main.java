package dev.lowbit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "lowbit", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Quantize Llama-family models to 2, 3 and 4 bits and run them.",
        subcommands = {InfoCommand.class, DemoCommand.class, InspectCommand.class, QuantizeCommand.class, EvalCommand.class, GenerateCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Examples:", "  lowbit info", "  lowbit demo", "",
                "Exit codes: 0 ok, 1 failed, 2 bad usage."})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main()).setExecutionExceptionHandler(new FailureHandler());
        try {
            return cli.execute(args);
        } catch (LinkageError | OutOfMemoryError e) {
            // picocli hands only Exceptions to the handler; a missing native library or symbol arrives here
            System.err.println("lowbit: error: " + FailureHandler.describe(e));
            if ("1".equals(System.getenv("LOWBIT_DEBUG"))) e.printStackTrace();
            return 1;
        }
    }
}
