package io.testline.cli.monitor;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Draws a {@link LineState} on a terminal every refresh: in place (ANSI clear-screen) on a terminal, one frame after
 * the other otherwise.
 */
public final class Monitor {
  private static final String CLEAR = "\033[H\033[2J";

  private final LineState state;
  private final MqttCollector collector;
  private final PrintStream out;
  private final boolean terminal;
  private final Clock clock;

  public Monitor(LineState state, MqttCollector collector, PrintStream out, boolean terminal, Clock clock) {
    this.state = state;
    this.collector = collector;
    this.out = out;
    this.terminal = terminal;
    this.clock = clock;
  }

  /** One frame: a header line with the MQTT connection, then the state. */
  public String frame(String mqttUrl) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    return "testline monitor  " + now + "  " + mqttUrl + (collector.connected() ? "" : " (DISCONNECTED)")
        + (collector.dropped() > 0 ? "  dropped " + collector.dropped() : "") + "\n" + state.render();
  }

  /** Draws frames until the thread is interrupted. */
  public void run(String mqttUrl, Duration refresh) throws InterruptedException {
    while (!Thread.currentThread().isInterrupted()) {
      String frame = frame(mqttUrl);
      out.print(terminal ? CLEAR + frame : frame + "\n");
      out.flush();
      Thread.sleep(refresh.toMillis());
    }
  }
}
