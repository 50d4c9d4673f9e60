package dev.linkstack.backup.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;

import java.util.concurrent.Callable;

/** {@code help}: the usage, on stdout. */
@Command(name = "help")
class HelpCommand implements Callable<Integer> {
    @ParentCommand
    BackupCommandLine cli;

    /** Ignored, as they always were. */
    @Parameters(arity = "0..*", hidden = true)
    List<String> ignored;

    @Override
    public Integer call() {
        cli.out.println(BackupCommandLine.USAGE_TEXT);
        return BackupCommandLine.OK;
    }
}
