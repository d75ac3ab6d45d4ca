package io.testline.cli.export;

import io.testline.cli.replay.InstantConverter;
import io.testline.interop.ExportFormat;
import io.testline.interop.store.RunLoader;
import io.testline.interop.store.RunSelection;
import io.testline.interop.store.RunWindow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code testline export}: stored runs from the result database in a test-world format, by the interop module's
 * mapping (the same the query API and the web serve). One run, every run of a serial, or every run started in a
 * window (optionally of one station); into one file, or one file per run in a folder.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Stored runs as OpenHTF JSON, JUnit XML, IPC-CFX UnitsTested or testline JSON.",
        "Selects one run (--run), every run of a serial number (--serial) or every run started in [--from, --to) "
        + "(optionally --station), oldest first, streamed from the result database. --output is a file (several "
        + "runs: one JUnit testsuites document, a JSON array) or a folder (an existing one, or a path ending in /): "
        + "one file per run, <serial>_<runId>.<format ext>. OpenHTF writes one record per file, so several runs "
        + "need a folder. A file appears only once complete. Progress of large windows on stderr."},
    footer = {"", "Examples:",
        "  testline export --format junit --run 0193a5c2-...-... --output run.xml",
        "  testline export --format openhtf --serial SN2611-000417 --output sn417/",
        "  testline export --format cfx --from 2026-12-03T06:00:00Z --to 2026-12-03T14:00:00Z --station ST-04 "
            + "--output shift1.cfx.json"})
public final class ExportCommand implements Callable<Integer> {
  @Option(names = "--format", required = true, converter = FormatConverter.class,
      description = "openhtf, junit, cfx or json")
  ExportFormat format;

  @Option(names = "--run", description = "one run by its id")
  UUID runId;

  @Option(names = "--serial", description = "every run of this serial number")
  String serial;

  @Option(names = "--from", converter = InstantConverter.class,
      description = "window start: ISO-8601 instant (2026-12-03T06:00:00Z) or a duration back from now (8h)")
  Instant from;

  @Option(names = "--to", converter = InstantConverter.class, description = "window end (exclusive), as --from; "
      + "default: now")
  Instant to;

  @Option(names = "--station", description = "only this station's runs of the window")
  String station;

  /** Kept as typed: a Path would drop the trailing / that asks for a folder. */
  @Option(names = "--output", required = true, description = "a file, or a folder for one file per run")
  String output;

  @Option(names = "--max-log-lines", defaultValue = "" + RunLoader.DEFAULT_MAX_LOG_LINES,
      description = "log lines per run in the export; default: ${DEFAULT-VALUE}")
  int maxLogLines;

  @Option(names = "--db-url", defaultValue = "jdbc:postgresql://127.0.0.1:5433/testline",
      description = "the result database; default: ${DEFAULT-VALUE}")
  String dbUrl;

  @Option(names = "--db-user", defaultValue = "postgres")
  String dbUser;

  @Option(names = "--db-password", defaultValue = "${env:TESTLINE_DB_PASSWORD:-postgres}",
      description = "default: $TESTLINE_DB_PASSWORD")
  String dbPassword;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RunSelection selection = selection();
    if (maxLogLines < 0) {
      throw usage("--max-log-lines: must be >= 0, was " + maxLogLines);
    }
    Path path = Path.of(output);
    boolean toFolder = Files.isDirectory(path) || output.endsWith("/") || output.endsWith(java.io.File.separator);
    if (selection != null && !toFolder && format == ExportFormat.OPENHTF) {
      throw usage("--output: OpenHTF writes one record per file; give a folder (an existing one, or a path "
          + "ending in /) for --serial or a window");
    }
    PGSimpleDataSource db = new PGSimpleDataSource();
    db.setURL(dbUrl);
    db.setUser(dbUser);
    db.setPassword(dbPassword);
    RunLoader loader = new RunLoader(db, maxLogLines);
    Exporter exporter = new Exporter(format, path, toFolder, System.err, Clock.systemUTC());
    if (selection == null) {
      var run = loader.load(runId);
      if (run.isEmpty()) {
        System.err.println("testline export: run " + runId + " is not stored in " + dbUrl);
        return 1;
      }
      Path written = exporter.one(run.get());
      System.out.println("exported run " + runId + " to " + written);
      return 0;
    }
    RunWindow window = new RunWindow(db, loader);
    long n = exporter.all(window, selection);
    System.out.println("exported " + n + " run(s) to " + path);
    return 0;
  }

  /** The window or serial; null for one run. Exactly one way of selecting must be given. */
  private RunSelection selection() {
    int ways = (runId != null ? 1 : 0) + (serial != null ? 1 : 0) + (from != null ? 1 : 0);
    if (ways != 1) {
      throw usage("give exactly one of --run, --serial or --from/--to");
    }
    if (from == null && (to != null || station != null)) {
      throw usage("--to and --station select within a window: give --from too");
    }
    if (runId != null) {
      return null;
    }
    if (serial != null) {
      return RunSelection.serial(serial);
    }
    Instant end = to == null ? Instant.now() : to;
    if (!end.isAfter(from)) {
      throw usage("--to must be after --from");
    }
    return RunSelection.window(from, end, station);
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /** {@code --format}: the error names the formats there are. */
  static final class FormatConverter implements CommandLine.ITypeConverter<ExportFormat> {
    @Override
    public ExportFormat convert(String value) {
      try {
        return ExportFormat.of(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
