package io.testline.cli.monitor;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
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

  @Option(names = "--refresh", defaultValue = "2s", description = "e.g. 2s, 500ms; default: ${DEFAULT-VALUE}")
  String refresh;

  @Override
  public Integer call() throws Exception {
    Duration every = parse(refresh);
    LineState state = new LineState(Clock.systemDefaultZone());
    try (MqttCollector collector = new MqttCollector(mqttUrl, state).start()) {
      new Monitor(state, collector, System.out, System.console() != null, Clock.systemDefaultZone())
          .run(mqttUrl, every);
    }
    return 0;
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
