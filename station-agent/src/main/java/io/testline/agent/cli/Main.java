package io.testline.agent.cli;

import io.testline.agent.AgentVersion;
import io.testline.agent.run.AgentExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code testline-agent}: the station agent's command line. */
@Command(name = "testline-agent", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Runs or watches test programs on a station, journals every event on disk and publishes it over "
        + "MQTT without losing any.",
    subcommands = {RunCommand.class, WatchCommand.class, ServeCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:PASS (with --wait-verdict: and the shopfloor accepted it)", "1:FAIL", "2:ERROR", "3:TIMEOUT",
        "4:ABORTED", "5:CRASHED", "10:the shopfloor rejected the result", "11:the shopfloor submission gave up",
        "12:no shopfloor verdict in time", "64:usage error", "70:internal error",
        "75:refused: journal full or disk full", "78:invalid configuration"})
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int code;
    try {
      code = execute(args);
    } catch (Throwable t) {
      // an Error (a broken installation, out of memory) must end the process with a code, not leave it hanging on
      // the agent's other threads; what was journaled stays in the journal for the next start
      System.err.println("testline-agent: internal error: " + t);
      t.printStackTrace();
      code = AgentExitCodes.INTERNAL;
    }
    System.exit(code);
  }

  /** Runs the command line and returns the exit code, without exiting (for tests and embedding). */
  public static int execute(String... args) {
    return execute(null, null, args);
  }

  /** As {@link #execute(String...)}, writing the operator's messages to {@code out} and {@code err} (null: stdio). */
  public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    if (out != null) {
      cli.setOut(out);
    }
    if (err != null) {
      cli.setErr(err);
    }
    // testline's one table: a usage error is 64, never 2, which is the ERROR outcome of a test
    return io.testline.exit.ExitCodes.install(cli, "testline-agent").execute(args);
  }

  /** The version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"testline-agent " + AgentVersion.get()};
    }
  }
}
