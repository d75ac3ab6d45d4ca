package io.testline.cli;

import io.testline.brokers.ShutdownHooks;
import io.testline.audit.AuditReport;
import io.testline.cli.audit.AuditReportWriter;
import io.testline.audit.Auditor;
import io.testline.cli.demo.Demo;
import io.testline.brokers.ServerUnavailableException;
import io.testline.cli.standalone.Standalone;
import io.testline.cli.standalone.StandaloneSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code testline} command. Its own subcommands are {@code standalone}, {@code demo} and {@code audit}; the
 * central services' commands are reached through it too ({@code testline bridge ...}, {@code testline
 * result-consumer ...}, {@code testline shopfloor-bridge ...}, {@code testline agent ...}), so one distribution and
 * one image serve every service. Exit codes: testline's one table ({@link io.testline.exit.ExitCodes}): 0 done, 1
 * failed or incomplete (audit, demo), 64 bad usage, 69 a server could not be started as ours (its port or data
 * folder is held by another process), 70 internal error, 78 invalid configuration.
 */
@Command(name = "testline", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "testline: factory test results from the station to Kafka, PostgreSQL and the shopfloor.",
    subcommands = {Main.StandaloneCommand.class, Main.DemoCommand.class, Main.AuditCommand.class,
        io.testline.cli.replay.ReplayCommand.class, io.testline.cli.tail.TailCommand.class,
        io.testline.cli.monitor.MonitorCommand.class, io.testline.cli.export.ExportCommand.class,
        io.testline.cli.access.HashPasswordCommand.class, io.testline.cli.access.MqttPasswdCommand.class},
    footer = {"", "Services (their own --help tells more):",
        "  bridge run|topics create     the MQTT-Kafka bridge",
        "  result-consumer run|rebuild  Kafka to PostgreSQL, and the query API",
        "  shopfloor-bridge run|list-dead|redrive|simulator",
        "  web                          the web interface (line, runs, units)",
        "  agent run|watch|serve        the station agent (stations use its own small distribution)"})
public final class Main {

  /** A server could not be started as ours (a port or the data folder is taken): sysexits' EX_UNAVAILABLE. */
  public static final int EXIT_UNAVAILABLE = io.testline.exit.ExitCodes.UNAVAILABLE;

  /** The services' own command lines, reached by their names. */
  private static final Map<String, java.util.function.Consumer<String[]>> SERVICES = Map.of(
      "bridge", io.testline.bridge.cli.Main::main,
      "result-consumer", io.testline.consumer.cli.Main::main,
      "shopfloor-bridge", io.testline.shopfloor.cli.Main::main,
      "web", io.testline.cli.web.WebCommand::main,
      "agent", io.testline.agent.cli.Main::main);

  public static void main(String[] args) {
    if (args.length > 0 && SERVICES.containsKey(args[0])) {
      SERVICES.get(args[0]).accept(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    System.exit(execute(args));
  }

  /** Runs {@code testline ARGS} (not a service's command line); returns its exit code. */
  public static int execute(String... args) {
    return io.testline.exit.ExitCodes.install(new CommandLine(new Main()), "testline").execute(args);
  }

  /** The names of the services reachable through {@link #main}, for the packaging test. */
  public static java.util.Set<String> serviceNames() {
    return SERVICES.keySet();
  }

  @Command(name = "standalone", mixinStandardHelpOptions = true,
      description = {"All of testline in one process on embedded servers, for a pilot line or a laptop.",
          "Kafka (KRaft), an MQTT 5 broker "
          + "(mosquitto when installed, else HiveMQ CE), PostgreSQL, the bridge, result-consumer with its query "
          + "API, shopfloor-bridge and a shopfloor simulator. Data is kept in --data-dir across restarts; Ctrl-C "
          + "stops it cleanly. Every server listens on 127.0.0.1. The services log to <data-dir>/logs/testline.log; "
          + "the terminal shows only their warnings and errors."})
  static final class StandaloneCommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "testline-data", description = "default: ${DEFAULT-VALUE}")
    Path dataDir;

    @Option(names = "--mqtt-port", defaultValue = "" + StandaloneSettings.DEFAULT_MQTT_PORT,
        description = "default: ${DEFAULT-VALUE}; 0 = any free port")
    int mqttPort;

    @Option(names = "--kafka-port", defaultValue = "" + StandaloneSettings.DEFAULT_KAFKA_PORT,
        description = "default: ${DEFAULT-VALUE}")
    int kafkaPort;

    @Option(names = "--kafka-nodes", defaultValue = "" + StandaloneSettings.DEFAULT_KAFKA_NODES,
        description = "1: one Kafka broker in this process; 2-9: a KRaft cluster of that many nodes, each its own "
            + "process, --kafka-port the first's (a pilot; from 3 nodes topics get replication 3, min ISR 2); "
            + "default: ${DEFAULT-VALUE}")
    int kafkaNodes;

    @Option(names = "--postgres-port", defaultValue = "" + StandaloneSettings.DEFAULT_POSTGRES_PORT,
        description = "default: ${DEFAULT-VALUE}")
    int postgresPort;

    @Option(names = "--api-port", defaultValue = "" + StandaloneSettings.DEFAULT_API_PORT,
        description = "the query API; default: ${DEFAULT-VALUE}")
    int apiPort;

    @Option(names = "--simulator-port", defaultValue = "" + StandaloneSettings.DEFAULT_SIMULATOR_PORT,
        description = "the shopfloor simulator; default: ${DEFAULT-VALUE}")
    int simulatorPort;

    @Option(names = "--mqtt-broker", defaultValue = "AUTO",
        description = "AUTO (mosquitto when installed, else HiveMQ CE), MOSQUITTO or HIVEMQ; default: ${DEFAULT-VALUE}")
    StandaloneSettings.MqttBrokerChoice mqttBroker;

    @Override
    public Integer call() throws InterruptedException {
      StandaloneSettings settings = new StandaloneSettings(dataDir, mqttPort, kafkaPort, postgresPort, apiPort,
          simulatorPort, StandaloneSettings.DEFAULT_PARTITIONS, mqttBroker, kafkaNodes);
      Optional<Path> log = ServiceLog.toFile(ServiceLog.in(dataDir));
      Standalone standalone = new Standalone(settings);
      Standalone.Endpoints endpoints;
      try {
        // SIGTERM and Ctrl-C close it through its registration with ShutdownHooks: services first, then servers
        endpoints = standalone.start();
      } catch (RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
          if (t instanceof ServerUnavailableException unavailable) {
            System.err.println("testline standalone: " + unavailable.getMessage());
            return EXIT_UNAVAILABLE;
          }
        }
        throw e;
      }
      System.out.println("testline standalone is running (data in " + dataDir.toAbsolutePath() + "):");
      System.out.print(endpoints.describe());
      log.ifPresent(file -> System.out.println("  service logs       " + file));
      System.out.println("Ctrl-C stops it.");
      System.out.flush();
      standalone.awaitClosed();
      return 0;
    }
  }

  @Command(name = "demo", mixinStandardHelpOptions = true,
      description = {"Standalone mode plus simulated stations, a live view and a final audit (about a minute).",
          "Simulated stations run real test programs through the real agent: "
          + "passing, failing, crashing (SIGSEGV), hanging (timeout) units and units the shopfloor rejects; a live "
          + "view, then an audit that every run was stored and has a shopfloor verdict. Exit 0 when it does. The "
          + "services log to a file (its path is printed first), so the terminal keeps the live view."})
  static final class DemoCommand implements Callable<Integer> {
    @Option(names = "--stations", defaultValue = "4", description = "simulated stations; default: ${DEFAULT-VALUE}")
    int stations;

    @Option(names = "--runs", defaultValue = "4", description = "runs per station; default: ${DEFAULT-VALUE}")
    int runs;

    @Option(names = "--data-dir", description = "default: a new temporary directory, deleted at the end")
    Path dataDir;

    @Option(names = "--report-dir", defaultValue = "testline-demo-report",
        description = "where audit.md and audit.json go; default: ${DEFAULT-VALUE}")
    Path reportDir;

    @Option(names = "--keep", description = "keep the temporary data directory")
    boolean keep;

    @Option(names = "--mqtt-broker", defaultValue = "AUTO",
        description = "AUTO (mosquitto when installed, else HiveMQ CE), MOSQUITTO or HIVEMQ; default: ${DEFAULT-VALUE}")
    StandaloneSettings.MqttBrokerChoice mqttBroker;

    @Option(names = "--serve", negatable = true, description = "after the audit, keep testline up so the line can be "
        + "browsed in the web interface, until Ctrl-C; default: when run from a terminal")
    Boolean serve;

    @Override
    public Integer call() throws Exception {
      boolean temporary = dataDir == null;
      boolean stayUp = serve != null ? serve : System.console() != null;
      Path dir = temporary ? Files.createTempDirectory("testline-demo-") : dataDir;
      // Ctrl-C while the demo serves its web interface: the temporary folder goes after standalone has stopped
      AutoCloseable cleanUp = () -> deleteTree(dir);
      if (temporary && !keep) {
        ShutdownHooks.closeAtExit(cleanUp);
      }
      // a temporary data folder goes at the end: its log then stays with the report
      ServiceLog.toFile(temporary && !keep ? reportDir.resolve(ServiceLog.FILE_NAME) : ServiceLog.in(dir))
          .ifPresent(file -> System.out.println("service logs: " + file));
      try {
        Demo.Outcome outcome = new Demo(new Demo.Settings(stations, runs, dir, reportDir, mqttBroker, stayUp),
            System.out).run();
        return outcome.ok() ? 0 : 1;
      } finally {
        if (temporary && !keep) {
          ShutdownHooks.forget(cleanUp);
          deleteTree(dir);
        } else {
          System.out.println("data kept in " + dir.toAbsolutePath());
        }
      }
    }
  }

  @Command(name = "audit", mixinStandardHelpOptions = true,
      description = {"Proves a time window complete, or lists what is missing; exit 1 when incomplete.",
          "Reconciles a time window across Kafka, the result database and the shopfloor ledger: runs "
          + "started without a finish, finished but not stored, without a verdict or not submitted, rejected and "
          + "dead submissions, sequence gaps and dead letters. Writes audit.md and audit.json; exits 1 when "
          + "anything is incomplete."})
  static final class AuditCommand implements Callable<Integer> {
    @Option(names = "--from", required = true, converter = io.testline.cli.replay.InstantConverter.class,
        description = "ISO-8601 instant (2026-12-03T06:00:00Z) or a duration back from now (8h)")
    Instant from;

    @Option(names = "--to", converter = io.testline.cli.replay.InstantConverter.class,
        description = "as --from; default: now")
    Instant to;

    @CommandLine.Mixin
    io.testline.cli.kafka.KafkaClientOptions kafka = new io.testline.cli.kafka.KafkaClientOptions();

    @Option(names = "--db-url", defaultValue = "jdbc:postgresql://127.0.0.1:5433/testline",
        description = "the result database; default: ${DEFAULT-VALUE}")
    String dbUrl;

    @Option(names = "--db-user", defaultValue = "postgres")
    String dbUser;

    @Option(names = "--db-password-file", description = "a file holding the database password; default: "
        + "$TESTLINE_DB_PASSWORD, or the file $TESTLINE_DB_PASSWORD_FILE names, else none")
    Path dbPasswordFile;

    @Option(names = "--ledger-db-url", description = "the shopfloor ledger's database when it is another one")
    String ledgerUrl;

    @Option(names = "--output", defaultValue = "testline-audit", description = "report folder; default: ${DEFAULT-VALUE}")
    Path output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Instant start = from;
      Instant end = to == null ? Instant.now() : to;
      if (!end.isAfter(start)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--to must be after --from");
      }
      // never on the command line, where every user of the machine can read it (ps, /proc/<pid>/cmdline)
      String dbPassword = dbPasswordFile != null
          ? io.testline.config.ConfigSource.valueFile("db.password", "--db-password-file", dbPasswordFile)
          : io.testline.config.ConfigSource.load(null, System.getenv(), "TESTLINE_").string("db.password", "");
      Auditor.Db results = new Auditor.Db(dbUrl, dbUser, dbPassword);
      Auditor.Db ledger = ledgerUrl == null ? null : new Auditor.Db(ledgerUrl, dbUser, dbPassword);
      AuditReport report = new Auditor(new Auditor.Sources(kafka.clientProps(), kafka.topics(), results, ledger),
          Clock.systemUTC()).audit(start, end);
      System.out.print(AuditReportWriter.write(report, output));
      System.out.println("report: " + output.resolve("audit.md") + " and audit.json");
      return report.complete() ? 0 : 1;
    }
  }

  /** {@code --version}: the distribution's version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"testline " + (v != null ? v : io.testline.agent.AgentVersion.get())};
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
