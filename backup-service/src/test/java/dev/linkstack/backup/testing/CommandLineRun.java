package dev.linkstack.backup.testing;

import dev.linkstack.backup.cli.BackupCommandLine;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One command of the service's command line run in-process, with what it printed and its exit code. */
public record CommandLineRun(int exit, String out, String err) {

    /** Runs {@code args} with empty input. */
    public static CommandLineRun of(BackupCommandLine commandLine, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = commandLine.execute(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new BufferedReader(new StringReader("")));
        return new CommandLineRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
