package io.testline.cli.demo;

import io.testline.audit.AuditReport;
import io.testline.cli.audit.AuditReportWriter;
import io.testline.audit.Auditor;
import io.testline.cli.standalone.Standalone;
import io.testline.cli.standalone.StandaloneSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * {@code testline demo}: standalone mode plus simulated stations running the real agent around a real test program
 * (passing, failing, crashing, hanging, and units tested at the wrong route step), a live view while they run, and
 * at the end an audit of the demo's window that must find every run stored with a shopfloor verdict.
 */
public final class Demo {
  private static final Duration SETTLE_LIMIT = Duration.ofSeconds(90);

  /** What the demo is told. */
  /** @param serve after the audit, keep the line up for the web interface until the process is stopped */
  public record Settings(int stations, int runsPerStation, Path dataDir, Path reportDir,
      StandaloneSettings.MqttBrokerChoice mqttBroker, boolean serve) {}

  /** How the demo went; {@link #ok()} when every station saw what it should and the audit is complete. */
  public record Outcome(List<DemoStation.Result> results, List<String> surprises, AuditReport audit) {
    public boolean ok() {
      return surprises.isEmpty() && audit.complete();
    }
  }

  private final Settings settings;
  private final PrintStream out;

  public Demo(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  public Outcome run() throws Exception {
    List<DemoPlan.Station> plan = DemoPlan.of(settings.stations(), settings.runsPerStation());
    int planned = plan.stream().mapToInt(s -> s.runs().size()).sum();
    Instant started = Instant.now().minusSeconds(1);
    try (Standalone standalone = new Standalone(StandaloneSettings.onFreePorts(settings.dataDir(),
        settings.mqttBroker()))) {
      out.println("starting testline standalone in " + settings.dataDir() + " ...");
      Standalone.Endpoints endpoints = standalone.start();
      out.print(endpoints.describe());
      plan.forEach(station -> station.runs().forEach(run ->
          standalone.simulator().setRoute(run.serialNumber(), List.of(DemoPlan.OPERATION, "EOL"))));
      Path program = extractProgram(settings.dataDir());

      out.printf("%n%d stations, %d runs: each run is a real testline-agent JVM wrapping %s%n%n", plan.size(),
          planned, program.getFileName());
      List<DemoStation> stations = new ArrayList<>();
      for (DemoPlan.Station station : plan) {
        stations.add(new DemoStation(station, settings.dataDir().resolve("stations").resolve(station.stationId()),
            endpoints.mqttUri(), program, out));
      }
      LiveView view = new LiveView(endpoints, out);
      ScheduledExecutorService viewTimer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "demo-view"));
      ExecutorService pool = Executors.newFixedThreadPool(stations.size(), r -> daemon(r, "demo-station"));
      List<DemoStation.Result> results = new ArrayList<>();
      try {
        viewTimer.scheduleWithFixedDelay(view::print, 5, 5, TimeUnit.SECONDS);
        List<Future<List<DemoStation.Result>>> futures = new ArrayList<>();
        stations.forEach(s -> futures.add(pool.submit(s::runAll)));
        for (Future<List<DemoStation.Result>> f : futures) {
          results.addAll(unwrap(f));
        }
      } finally {
        pool.shutdownNow();
        viewTimer.shutdownNow();
      }

      List<String> surprises = new ArrayList<>();
      for (DemoStation.Result r : results) {
        if (r.exitCode() != r.planned().mode().expectedExitCode()) {
          surprises.add(r.planned().serialNumber() + " (" + r.planned().mode() + ") exited "
              + r.exitCode() + ", expected " + r.planned().mode().expectedExitCode() + ": " + r.said());
        }
      }
      awaitSettled(endpoints, planned);
      view.print();
      // a seq lost in the last runs is reported once the bridge's grace has passed: wait for it, then audit
      out.printf("waiting %d s for the sequence-gap detector's grace...%n", Standalone.GAP_GRACE.toSeconds() + 2);
      Thread.sleep(Standalone.GAP_GRACE.plusSeconds(2).toMillis());

      Auditor auditor = new Auditor(new Auditor.Sources(
          Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap()), standalone.topics(),
          new Auditor.Db(endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword()), null),
          Clock.systemUTC());
      AuditReport audit = auditor.audit(started, Instant.now().plusSeconds(1));
      if (audit.runs().size() != planned) {
        surprises.add("the audit found " + audit.runs().size() + " runs, the stations ran " + planned);
      }
      String markdown = AuditReportWriter.write(audit, settings.reportDir());
      out.println();
      out.print(markdown);
      out.println("report: " + settings.reportDir().resolve("audit.md") + " and audit.json");
      surprises.forEach(s -> out.println("UNEXPECTED: " + s));
      Outcome outcome = new Outcome(results, surprises, audit);
      out.println(outcome.ok() ? "demo OK: every run was stored and has a shopfloor verdict"
          : "demo FAILED: see above");
      if (settings.serve()) {
        out.println();
        out.println("See the line, its runs and the audit's runs in a browser: " + endpoints.web());
        out.println("testline keeps running for it; Ctrl-C stops it.");
        out.flush();
        new CountDownLatch(1).await();
      } else {
        out.println("(run from a terminal, or with --serve, the demo stays up afterwards for its web interface)");
      }
      return outcome;
    }
  }

  /** Waits until the result database holds every run finished and with a verdict, or the limit passes. */
  private static void awaitSettled(Standalone.Endpoints endpoints, int planned) throws InterruptedException {
    Instant limit = Instant.now().plus(SETTLE_LIMIT);
    while (Instant.now().isBefore(limit)) {
      try (Connection c = java.sql.DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.dbUser(),
          endpoints.dbPassword());
           PreparedStatement ps = c.prepareStatement("SELECT (SELECT count(*) FROM runs WHERE finished),"
               + " (SELECT count(*) FROM verdicts)");
           ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getLong(1) >= planned && rs.getLong(2) >= planned) {
          return;
        }
      } catch (SQLException e) {
        // the consumer may still be migrating; try again
      }
      Thread.sleep(250);
    }
  }

  private static Path extractProgram(Path dataDir) throws IOException {
    Path program = dataDir.resolve("demo_test.sh");
    try (InputStream in = Demo.class.getResourceAsStream("demo_test.sh")) {
      if (in == null) {
        throw new IllegalStateException("demo_test.sh is missing from the distribution");
      }
      Files.createDirectories(dataDir);
      Files.copy(in, program, StandardCopyOption.REPLACE_EXISTING);
    }
    return program;
  }

  private static List<DemoStation.Result> unwrap(Future<List<DemoStation.Result>> f) throws Exception {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
