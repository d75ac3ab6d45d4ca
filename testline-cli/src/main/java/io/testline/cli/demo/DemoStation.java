package io.testline.cli.demo;

import io.testline.cli.demo.DemoPlan.PlannedRun;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One simulated station: its own agent config and data directory, and for each planned run one real
 * {@code testline-agent run --wait-verdict} JVM wrapping the demo test program, exactly as a test engineer starts it.
 */
final class DemoStation {
  private static final Pattern RUN_ID = Pattern.compile(" run ([0-9a-f-]{36}) in ");
  private static final Duration RUN_LIMIT = Duration.ofMinutes(2);

  /** How one run ended, as the operator saw it at the station. */
  record Result(PlannedRun planned, int exitCode, String runId, List<String> said) {}

  private final DemoPlan.Station plan;
  private final Path dir;
  private final Path config;
  private final Path program;
  private final PrintStream out;

  DemoStation(DemoPlan.Station plan, Path dir, String mqttUri, Path program, PrintStream out) throws IOException {
    this.plan = plan;
    this.dir = Files.createDirectories(dir);
    this.program = program;
    this.out = out;
    this.config = dir.resolve("agent.yaml");
    Files.writeString(config, """
        # agent config of the demo station %1$s, as on a station PC
        station:
          id: %1$s
          line: DEMO-L1
          site: DEMO
        agent:
          dataDir: %2$s
        mqtt:
          url: %3$s
          reconnect:
            initialDelay: 100ms
            maxDelay: 2s
        journal:
          keepUntil: verdict   # a run leaves the journal only once the shopfloor's verdict came back
          resendAfter: 30s
        run:
          timeout: 4s          # the hanging unit is killed after this
          killGrace: 1s
          flushTimeout: 15s
          verdictTimeout: 45s
          logFlushInterval: 200ms
          failExitCodes: [1]
          program:
            name: demo_fct
            version: "1.0"
          testMethod: FCT
          operation: %4$s
        heartbeat:
          interval: 2s
        """.formatted(plan.stationId(), dir.resolve("data"), mqttUri, DemoPlan.OPERATION), StandardCharsets.UTF_8);
  }

  String stationId() {
    return plan.stationId();
  }

  /** Runs every planned run in turn; returns what each ended with. */
  List<Result> runAll() throws IOException, InterruptedException {
    List<Result> results = new ArrayList<>();
    int n = 0;
    for (PlannedRun run : plan.runs()) {
      results.add(runOne(run, ++n));
    }
    return results;
  }

  private Result runOne(PlannedRun run, int n) throws IOException, InterruptedException {
    Path output = dir.resolve("agent-run-" + n + ".log");
    List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx64m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1"));
    String logging = System.getProperty("logback.configurationFile");
    if (logging != null) {
      command.add("-Dlogback.configurationFile=" + logging);
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.testline.agent.cli.Main", "run", "-c", config.toString(), "--serial", run.serialNumber(), "--part", "PCB-100", "--revision", "C",
        "--operator", "demo", "--work-order", "WO-DEMO-1", "--attempt", Integer.toString(run.attempt()),
        "--operation", run.operation(), "--wait-verdict", "--", "/bin/sh", program.toString(),
        run.mode().programArgument()));
    Process agent = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
    if (!agent.waitFor(RUN_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
      agent.destroyForcibly();
      agent.waitFor();
    }
    List<String> said = new ArrayList<>();
    String runId = null;
    for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
      if (line.startsWith("testline: ") || line.startsWith("testline-agent: SHOPFLOOR")
          || line.startsWith("testline-agent: RUN REFUSED")) {
        said.add(line.substring(line.indexOf(' ') + 1));
        Matcher m = RUN_ID.matcher(line);
        if (runId == null && m.find()) {
          runId = m.group(1);
        }
      }
    }
    Result result = new Result(run, agent.exitValue(), runId, said);
    out.printf("%-7s %-11s try %d  %-10s -> exit %2d  %s%n", plan.stationId(), run.serialNumber(), run.attempt(),
        run.mode(), result.exitCode(), Optional.of(String.join(" | ", verdictFirst(said))).orElse(""));
    out.flush();
    return result;
  }

  /** The run's result line without its directory, then the verdict line. */
  private static List<String> verdictFirst(List<String> said) {
    List<String> shown = new ArrayList<>();
    for (String s : said) {
      int in = s.indexOf(" in /");
      shown.add(in > 0 ? s.substring(0, in) : s);
    }
    return shown;
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
