package io.testline.bridge.cli;

import io.testline.bridge.Bridge;
import io.testline.bridge.config.BridgeConfig;
import io.testline.bridge.config.KafkaClientProps;
import io.testline.bridge.topics.TopicAdmin;
import io.testline.bridge.topics.TopicCatalog;
import io.testline.bridge.topics.TopicSpec;
import io.testline.exit.DistributionVersion;
import io.testline.exit.ExitCodes;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code testline-bridge run | topics create}: reads the config, builds the parts with {@code new}, starts them
 * and waits. Exit codes: testline's one table ({@link ExitCodes}): 0 done, 64 usage, 78 configuration, 70 failed.
 */
@Command(name = "testline-bridge", mixinStandardHelpOptions = true, versionProvider = DistributionVersion.class,
    description = "MQTT to Kafka bridge of testline.",
    subcommands = {Main.Run.class, Main.TopicsCommand.class})
public final class Main {
  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command; returns its exit code. */
  public static int execute(String... args) {
    return ExitCodes.install(new CommandLine(new Main()), "testline-bridge").execute(args);
  }

  static BridgeConfig loadConfig(Path file) {
    return BridgeConfig.load(file, System.getenv());
  }

  /** Runs the bridge until the process is stopped. */
  @Command(name = "run", description = "Forward MQTT to Kafka, verdicts back, detect gaps; until stopped.")
  static final class Run implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, description = "YAML config file; TESTLINE_BRIDGE_* variables override it")
    Path config;

    @Override
    public Integer call() throws Exception {
      BridgeConfig cfg = loadConfig(config);
      CountDownLatch stopped = new CountDownLatch(1);
      Bridge bridge = new Bridge(cfg);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        bridge.close();
        stopped.countDown();
      }, "bridge-shutdown"));
      bridge.start();
      stopped.await();
      return 0;
    }
  }

  /** Topic administration. */
  @Command(name = "topics", description = "Kafka topic administration.", subcommands = TopicsCommand.Create.class)
  static final class TopicsCommand {

    @Command(name = "create",
        description = "Create the bridge's topics with explicit partitions, replication and retention.")
    static final class Create implements Callable<Integer> {
      @Option(names = {"-c", "--config"}, description = "YAML config file; TESTLINE_BRIDGE_* variables override it")
      Path config;

      @Override
      public Integer call() throws Exception {
        BridgeConfig cfg = loadConfig(config);
        try (TopicAdmin admin = new TopicAdmin(KafkaClientProps.admin(cfg))) {
          List<TopicSpec> specs = TopicCatalog.of(cfg, admin.brokerCount());
          List<TopicAdmin.Result> results = admin.create(specs);
          results.forEach(r -> System.out.println(r.outcome().name().toLowerCase() + " " + r.topic()));
          admin.requireReplication(specs, cfg.topics().acceptUnderReplicated());
        }
        return 0;
      }
    }
  }
}
