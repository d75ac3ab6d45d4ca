package io.testline.cli.monitor;

import io.testline.config.ConfigSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code testline monitor}: a live view of the line from the MQTT topic tree. */
@Command(name = "monitor", mixinStandardHelpOptions = true,
    description = {"A live view of the line from MQTT (testline/v1/+/+): each station online or offline, its serial "
        + "number and step, last outcome, journal backlog, pass/fail and first-pass yield; recent failures and "
        + "shopfloor rejections. Redrawn in place on a terminal. Ctrl-C stops it."})
public final class MonitorCommand implements Callable<Integer> {
  @Option(names = "--mqtt-url", defaultValue = "tcp://127.0.0.1:1883", description = "default: ${DEFAULT-VALUE}")
  String mqttUrl;

  @Option(names = "--username", description = "the broker login; default: $TESTLINE_MQTT_USERNAME")
  String username;

  @Option(names = "--password-file", description = "a file holding the broker password; default: "
      + "$TESTLINE_MQTT_PASSWORD, or the file $TESTLINE_MQTT_PASSWORD_FILE names (never on the command line)")
  Path passwordFile;

  @Option(names = "--truststore", description = "PKCS12 or JKS store with the plant CA, for an ssl:// broker; its "
      + "password: $TESTLINE_MQTT_TLS_TRUST_STORE_PASSWORD(_FILE); default: $TESTLINE_MQTT_TLS_TRUST_STORE, else "
      + "the JVM's CAs")
  Path trustStore;

  @Option(names = "--refresh", defaultValue = "2s", description = "e.g. 2s, 500ms; default: ${DEFAULT-VALUE}")
  String refresh;

  @Override
  public Integer call() throws Exception {
    Duration every = parse(refresh);
    LineState state = new LineState(Clock.systemDefaultZone());
    try (MqttCollector collector = new MqttCollector(mqttUrl, login(System.getenv()), state).start()) {
      new Monitor(state, collector, System.out, System.console() != null, Clock.systemDefaultZone())
          .run(mqttUrl, every);
    }
    return 0;
  }

  /** The options, else the agent's own variables for the same settings ({@code TESTLINE_MQTT_USERNAME}, ...). */
  MqttLogin login(Map<String, String> environment) {
    ConfigSource env = ConfigSource.load(null, environment, "TESTLINE_");
    String password = passwordFile != null
        ? ConfigSource.valueFile("mqtt.password", "--password-file", passwordFile)
        : env.string("mqtt.password", null);
    return new MqttLogin(username != null ? username : env.string("mqtt.username", null), password,
        trustStore != null ? trustStore : env.path("mqtt.tls.trustStore", null),
        env.string("mqtt.tls.trustStorePassword", null));
  }

  static Duration parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      return t.endsWith("ms") ? Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)))
          : Duration.parse("PT" + t.toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--refresh: \"" + text + "\" is not a duration (2s, 500ms)", e);
    }
  }
}
