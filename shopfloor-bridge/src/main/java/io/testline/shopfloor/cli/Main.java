package io.testline.shopfloor.cli;

import com.zaxxer.hikari.HikariDataSource;
import io.testline.exit.DistributionVersion;
import io.testline.exit.ExitCodes;
import io.testline.config.ConfigSource;
import io.testline.shopfloor.ShopfloorBridge;
import io.testline.shopfloor.config.ShopfloorBridgeConfig;
import io.testline.shopfloor.ledger.DeadRun;
import io.testline.shopfloor.ledger.Ledger;
import io.testline.shopfloor.simulator.ShopfloorSimulator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The shopfloor-bridge command line: {@code run}, {@code list-dead}, {@code redrive} and {@code simulator}. Exit
 * codes: testline's one table ({@link ExitCodes}): 0 done, 64 usage, 78 configuration, 70 failed.
 */
@Command(name = "shopfloor-bridge", mixinStandardHelpOptions = true, versionProvider = DistributionVersion.class,
    description = "Submits finished runs to the shopfloor and publishes its verdicts.",
    subcommands = {Main.Run.class, Main.ListDead.class, Main.Redrive.class, Main.Simulator.class})
public final class Main {

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command; returns its exit code. */
  public static int execute(String... args) {
    return ExitCodes.install(new CommandLine(new Main()), "shopfloor-bridge").execute(args);
  }

  /** Options naming the configuration. */
  static final class ConfigOption {
    @Option(names = {"-c", "--config"}, description = "YAML config file; environment TESTLINE_* overrides it")
    Path file;

    ShopfloorBridgeConfig load() {
      return ShopfloorBridgeConfig.load(ConfigSource.load(file, System.getenv(), ShopfloorBridgeConfig.ENV_PREFIX));
    }
  }

  @Command(name = "run", description = "Runs the bridge until stopped (SIGTERM, Ctrl-C).")
  static final class Run implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOption config = new ConfigOption();

    @Override
    public Integer call() throws InterruptedException {
      ShopfloorBridge bridge = new ShopfloorBridge(config.load());
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        bridge.close();
        stopped.countDown();
      }, "shopfloor-bridge-shutdown"));
      bridge.start();
      stopped.await();
      return 0;
    }
  }

  @Command(name = "list-dead", description = "Lists runs the bridge gave up on.")
  static final class ListDead implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOption config = new ConfigOption();

    @Option(names = "--limit", defaultValue = "1000", description = "at most this many (default ${DEFAULT-VALUE})")
    int limit;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      try (HikariDataSource ds = ShopfloorBridge.dataSource(config.load())) {
        Ledger.migrate(ds);
        List<DeadRun> dead = new Ledger(ds).listDead(limit);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-36s  %-20s  %-16s  %-24s  %8s  %s%n", "RUN", "SERIAL", "STATION", "FINISHED", "ATTEMPTS",
            "LAST ERROR");
        for (DeadRun run : dead) {
          out.printf("%-36s  %-20s  %-16s  %-24s  %8d  %s%n", run.runId(), run.serialNumber(), run.stationId(),
              run.finishedAt(), run.attempts(), run.lastError());
        }
        out.printf("%d dead run(s)%n", dead.size());
        out.flush();
        return 0;
      }
    }
  }

  @Command(name = "redrive", description = "Makes DEAD runs pending again; a running bridge resubmits them.")
  static final class Redrive implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOption config = new ConfigOption();

    @CommandLine.ArgGroup(multiplicity = "1")
    Which which;

    static final class Which {
      @Option(names = "--run", description = "the runId of one DEAD run")
      UUID runId;

      @Option(names = "--all-dead", description = "every DEAD run")
      boolean allDead;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      try (HikariDataSource ds = ShopfloorBridge.dataSource(config.load())) {
        Ledger.migrate(ds);
        Ledger ledger = new Ledger(ds);
        PrintWriter out = spec.commandLine().getOut();
        if (which.allDead) {
          out.printf("redriven %d dead run(s)%n", ledger.redriveAllDead(Instant.now()));
          out.flush();
          return 0;
        }
        if (ledger.redrive(which.runId, Instant.now())) {
          out.printf("redriven run %s%n", which.runId);
          out.flush();
          return 0;
        }
        spec.commandLine().getErr().printf("run %s is not DEAD (or unknown)%n", which.runId);
        return 1;
      }
    }
  }

  @Command(name = "simulator", description = "Runs a shopfloor simulator until stopped.")
  static final class Simulator implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8089", description = "listen port (default ${DEFAULT-VALUE})")
    int port;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      ShopfloorSimulator simulator = ShopfloorSimulator.start(port);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        simulator.close();
        stopped.countDown();
      }, "shopfloor-simulator-shutdown"));
      spec.commandLine().getOut().printf("shopfloor simulator: POST %s, stats at %s%n", simulator.resultsUri(),
          simulator.baseUri().resolve("/sim/stats"));
      spec.commandLine().getOut().flush();
      stopped.await();
      return 0;
    }
  }
}
