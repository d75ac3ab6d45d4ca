package io.testline.consumer.cli;

import io.testline.exit.DistributionVersion;
import io.testline.exit.ExitCodes;
import io.testline.config.ConfigSource;
import io.testline.consumer.ResultConsumer;
import io.testline.consumer.config.ConsumerConfig;
import io.testline.consumer.rebuild.Rebuild;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code result-consumer run|rebuild --config FILE}: reads the config (file, overridden by {@code TESTLINE_*}
 * environment variables), builds the service and waits. Exit codes: testline's one table ({@link ExitCodes}): 0 done,
 * 1 the service stopped on a failure, 64 usage, 78 configuration (e.g. the query
 * API on a non-loopback {@code http.host} without authentication), 70 internal error.
 */
@Command(name = "result-consumer", mixinStandardHelpOptions = true, versionProvider = DistributionVersion.class,
    description = "Stores testline events from Kafka in PostgreSQL and serves them over HTTP.",
    subcommands = {Main.Run.class, Main.RebuildCommand.class})
public final class Main {

  /** sysexits' EX_CONFIG: the configuration is wrong. */
  public static final int EXIT_CONFIG = ExitCodes.CONFIG;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command; returns its exit code. */
  public static int execute(String... args) {
    return ExitCodes.install(new CommandLine(new Main()), "result-consumer").execute(args);
  }

  static ConsumerConfig config(Path file) {
    return ConsumerConfig.load(ConfigSource.load(file, System.getenv(), ConsumerConfig.ENV_PREFIX));
  }

  /** Runs the consumer and the query API until stopped. */
  @Command(name = "run", description = "Consume the topics into PostgreSQL and serve the query API.")
  static final class Run implements Callable<Integer> {
    @Option(names = "--config", description = "YAML config file; TESTLINE_* environment variables override it")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
      ResultConsumer service = ResultConsumer.start(config(config));
      Runtime.getRuntime().addShutdownHook(new Thread(service::close, "result-consumer-shutdown"));
      service.awaitTermination();
      service.close();
      return service.failure() == null ? 0 : 1;
    }
  }

  /** Replays the topics from the beginning into an empty database, then exits. */
  @Command(name = "rebuild", description = "Replay the topics from the beginning into an empty database.")
  static final class RebuildCommand implements Callable<Integer> {
    @Option(names = "--config", description = "YAML config file; TESTLINE_* environment variables override it")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
      Rebuild.Result result = ResultConsumer.rebuild(config(config));
      System.out.printf("rebuilt from %d records: %d events stored, %d duplicates skipped%n", result.records(),
          result.stats().applied(), result.stats().duplicates());
      return 0;
    }
  }
}
