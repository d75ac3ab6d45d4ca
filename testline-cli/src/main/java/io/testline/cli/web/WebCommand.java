package io.testline.cli.web;

import com.zaxxer.hikari.HikariDataSource;
import io.testline.config.ConfigException;
import io.testline.config.ConfigSource;
import io.testline.cli.kafka.KafkaClientOptions;
import io.testline.consumer.store.StoreDataSource;
import io.testline.schemas.TopicNames;
import io.testline.web.AuditSource;
import io.testline.web.WebConfig;
import io.testline.web.WebServer;
import io.testline.web.access.WebAccessConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code testline web}: the web interface as a service of its own over a result database that result-consumer
 * fills. Stateless, so several may run behind a load balancer (give them the same {@code web.sessionKey}). Listens
 * on loopback unless told otherwise; another address needs users or a token ({@code web.users},
 * {@code web.authToken}: {@link WebAccessConfig}, from {@code --config} or {@code TESTLINE_WEB_*}), or, explicitly,
 * {@code --allow-unauthenticated}.
 */
@Command(name = "web", mixinStandardHelpOptions = true, versionProvider = io.testline.exit.DistributionVersion.class,
    description = {"The web interface (line, runs, run, unit, shopfloor and audit pages; the line live over SSE) "
        + "over the result database and, for the audit page, Kafka. Needs result-consumer's schema (V10 or newer) "
        + "for live updates; its one action, the shopfloor redrive, is allowed from loopback only."})
public final class WebCommand implements Callable<Integer> {
  @Option(names = "--db-url", defaultValue = "${env:TESTLINE_DB_URL}", required = true,
      description = "jdbc:postgresql://host:5432/db (env TESTLINE_DB_URL)")
  String dbUrl;

  @Option(names = "--db-user", defaultValue = "${env:TESTLINE_DB_USER}", description = "env TESTLINE_DB_USER")
  String dbUser;

  @Option(names = "--db-password-env", defaultValue = "TESTLINE_DB_PASSWORD",
      description = "the environment variable holding the database password, or with _FILE appended the file "
          + "holding it (a compose secret); default: ${DEFAULT-VALUE}")
  String dbPasswordEnv;

  @Option(names = "--host", defaultValue = WebConfig.DEFAULT_HOST, description = "default: ${DEFAULT-VALUE}")
  String host;

  @Option(names = "--port", defaultValue = "" + WebConfig.DEFAULT_PORT,
      description = "default: ${DEFAULT-VALUE}; 0 = any free port")
  int port;

  @Option(names = "--api-url", description = "the query API's base URL, for the runs' JSON downloads")
  URI apiUrl;

  @Option(names = "--zone", description = "time zone of the pages and shifts; default: the system's")
  ZoneId zone;

  @Option(names = "--shifts", defaultValue = "06:00,14:00,22:00", split = ",",
      description = "local start times of the shifts; default: ${DEFAULT-VALUE}")
  List<String> shifts;

  @Option(names = "--config", description = "YAML file with the web.* keys (users, admins, authToken, sessionKey, "
      + "sessionTtl, tls); TESTLINE_WEB_* environment variables override it")
  Path configFile;
  @Option(names = "--kafka-bootstrap", defaultValue = "${env:TESTLINE_KAFKA_BOOTSTRAP_SERVERS}",
      description = "Kafka's bootstrap servers, for the audit page (env TESTLINE_KAFKA_BOOTSTRAP_SERVERS); "
          + "without them the audit page says it has no Kafka")
  String kafkaBootstrap;

  @Option(names = "--kafka-config", description = "a properties file of Kafka client settings (security etc.)")
  Path kafkaConfig;

  @Option(names = "--topic-prefix", defaultValue = "${env:TESTLINE_KAFKA_TOPIC_PREFIX:-}",
      description = "as the services' kafka.topicPrefix")
  String topicPrefix;

  @Option(names = "--allow-unauthenticated",
      description = "listen on a non-loopback address without any login (logged as a warning); prefer web.users")
  boolean allowUnauthenticated;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** sysexits' EX_CONFIG. */
  static final int EXIT_CONFIG = io.testline.exit.ExitCodes.CONFIG;

  /** {@code testline web ARGS}; exits 0 when stopped, 64 on bad usage, 78 on a bad configuration, 70 when it failed. */
  public static void main(String[] args) {
    System.exit(io.testline.exit.ExitCodes.install(new CommandLine(new WebCommand()), "testline web").execute(args));
  }

  @Override
  public Integer call() throws InterruptedException, IOException {
    WebConfig config = config();
    try {
      ConfigSource source = ConfigSource.load(configFile, System.getenv(), "TESTLINE_");
      WebAccessConfig access = WebAccessConfig.load(source, allowUnauthenticated);
      source.requireNoUnknownKeys();
      serve(config, access, dbPassword(System.getenv(), dbPasswordEnv));
      return 0;
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("configuration error: " + e.getMessage());
      return EXIT_CONFIG;
    }
  }

  /**
   * The database password from {@code variable} or the file {@code variable_FILE} names, by the config rule of
   * {@code _FILE} variables (both set is an error naming the variable); null when neither is set.
   */
  public static String dbPassword(java.util.Map<String, String> env, String variable) {
    String direct = env.get(variable);
    String file = env.get(variable + ConfigSource.FILE_SUFFIX);
    if (direct != null && file != null) {
      throw new ConfigException(variable + ": both " + variable + " and " + variable + ConfigSource.FILE_SUFFIX
          + " are set; set one of them");
    }
    return file == null ? direct
        : ConfigSource.valueFile(variable, variable + ConfigSource.FILE_SUFFIX, Path.of(file));
  }

  /** Serves until stopped; the pool connects lazily, so a refused address fails before any connection. */
  private void serve(WebConfig config, WebAccessConfig access, String password)
      throws InterruptedException, IOException {
    AuditSource audit = kafkaBootstrap == null || kafkaBootstrap.isBlank() ? null
        : new AuditSource(KafkaClientOptions.clientProps(kafkaBootstrap.strip(), kafkaConfig),
            new TopicNames(topicPrefix == null ? "" : topicPrefix));
    try (HikariDataSource dataSource = StoreDataSource.create(dbUrl, dbUser == null ? "" : dbUser,
        password == null ? "" : password, 4, Duration.ofSeconds(5));
         WebServer web = new WebServer(dataSource, config, access, audit)) {
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "web-shutdown"));
      web.start();
      System.out.println("testline web is running at " + web.uri() + " (Ctrl-C stops it)");
      stopped.await();
    }
  }

  private WebConfig config() {
    List<LocalTime> starts = new ArrayList<>();
    for (String s : shifts) {
      try {
        starts.add(LocalTime.parse(s.strip()));
      } catch (DateTimeParseException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--shifts: \"" + s + "\" is not a time, e.g. 06:00");
      }
    }
    URI api = apiUrl == null ? null
        : apiUrl.toString().endsWith("/") ? apiUrl : URI.create(apiUrl + "/");
    try {
      return new WebConfig(host, port, zone == null ? ZoneId.systemDefault() : zone, starts, api);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
