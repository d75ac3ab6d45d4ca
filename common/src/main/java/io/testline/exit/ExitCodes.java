package io.testline.exit;

import io.testline.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * The one exit-code table of every testline command ({@code testline}, {@code testline-agent}, the services'
 * mains), sysexits style. Codes 1 to 63 are left to each command's own results, e.g. the agent's test outcomes
 * (1 FAIL, 2 ERROR, ... 12) or {@code testline audit}'s 1 for an incomplete window; none of those is ever used for a
 * usage or configuration error.
 *
 * <table>
 *   <caption>exit codes</caption>
 *   <tr><td>0</td><td>done</td></tr>
 *   <tr><td>64</td><td>usage: an unknown option, a missing or bad argument</td></tr>
 *   <tr><td>65</td><td>bad input data</td></tr>
 *   <tr><td>69</td><td>unavailable: a server could not be started as ours (port or data folder taken)</td></tr>
 *   <tr><td>70</td><td>internal error (software): see the log</td></tr>
 *   <tr><td>74</td><td>I/O error</td></tr>
 *   <tr><td>75</td><td>temporary failure: try again later (e.g. the agent's journal is full)</td></tr>
 *   <tr><td>78</td><td>invalid configuration; the message names the key</td></tr>
 * </table>
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int USAGE = 64;
  public static final int DATA = 65;
  public static final int UNAVAILABLE = 69;
  public static final int SOFTWARE = 70;
  public static final int IO = 74;
  public static final int TEMPFAIL = 75;
  public static final int CONFIG = 78;

  private ExitCodes() {}

  /** The code of an exception that ended a command: configuration 78, I/O 74, anything else 70. */
  public static int of(Throwable e) {
    if (e instanceof ConfigException) {
      return CONFIG;
    }
    if (e instanceof IOException || e instanceof UncheckedIOException) {
      return IO;
    }
    return SOFTWARE;
  }

  /**
   * Makes {@code cli} and all its subcommands end with this table: a usage error prints the message and a hint and
   * exits 64; an exception escaping a command prints {@code <tool>: configuration error: <message>} (78) or
   * {@code <tool>: <exception>} with its stack, and exits with {@link #of}. Call after adding the subcommands.
   */
  public static CommandLine install(CommandLine cli, String tool) {
    cli.setParameterExceptionHandler((e, args) -> {
      CommandLine failed = e.getCommandLine();
      failed.getErr().println(tool + ": " + e.getMessage());
      failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
      return USAGE;
    });
    cli.setExecutionExceptionHandler((e, failed, parsed) -> {
      int code = of(e);
      if (code == CONFIG) {
        failed.getErr().println(tool + ": configuration error: " + e.getMessage());
      } else {
        failed.getErr().println(tool + ": " + e);
        e.printStackTrace(failed.getErr());
      }
      return code;
    });
    cli.setExitCodeExceptionMapper(ExitCodes::of);
    return cli;
  }
}
