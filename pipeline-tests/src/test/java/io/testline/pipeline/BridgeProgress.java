package io.testline.pipeline;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Samples every bridge instance's {@code testline_bridge_messages_out_total} (messages Kafka acknowledged, so the
 * bridge acknowledged them to MQTT) over its {@code /metrics} every 100 ms, to measure how long forwarding stalled
 * (idle time of the line included), and its {@code testline_bridge_ack_latency_seconds_max}: the longest time a message
 * waited from MQTT to Kafka's acknowledgement, over Micrometer's last minutes, so idle time does not count. A bridge
 * that is down or restarted (its counter starts again at 0) counts as no progress.
 */
final class BridgeProgress implements AutoCloseable {
  private static final Pattern OUT =
      Pattern.compile("(?m)^testline_bridge_messages_out_total(?:\\{[^}]*})? ([0-9.eE+-]+)$");
  private static final Pattern ACK_MAX =
      Pattern.compile("(?m)^testline_bridge_ack_latency_seconds_max(?:\\{[^}]*})? ([0-9.eE+-]+)$");
  private record Sample(long nanos, double seconds) {}

  private final List<URI> metrics;
  private final double[] last;
  private final List<Long> progressAt = new CopyOnWriteArrayList<>();
  private final List<List<Long>> progressAtEach = new ArrayList<>();
  private final List<List<Sample>> ackMax = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
  private volatile double total;

  BridgeProgress(List<URI> bridgeMetrics) {
    this.metrics = List.copyOf(bridgeMetrics);
    this.last = new double[metrics.size()];
    for (int i = 0; i < metrics.size(); i++) {
      progressAtEach.add(new CopyOnWriteArrayList<>());
      ackMax.add(new CopyOnWriteArrayList<>());
    }
    sampler.scheduleWithFixedDelay(this::sample, 0, 100, TimeUnit.MILLISECONDS);
  }

  /** Messages forwarded (acknowledged by Kafka) since sampling began, summed over every instance and restart. */
  double forwarded() {
    return total;
  }

  /** The longest time between {@code from} and {@code to} (System.nanoTime) in which no bridge forwarded. */
  long longestStallMillis(long from, long to) {
    return longestGap(progressAt, from, to);
  }

  /** The longest time between {@code from} and {@code to} in which bridge {@code index} forwarded nothing. */
  long longestStallMillis(int index, long from, long to) {
    return longestGap(progressAtEach.get(index), from, to);
  }

  /**
   * The longest time a message of bridge {@code index} waited for Kafka's acknowledgement, as the bridge reported it
   * between {@code from} and {@code to} (its maximum over the last minutes, so it may reach back before {@code from});
   * -1 if it reported nothing.
   */
  long longestAckMillis(int index, long from, long to) {
    return ackMax.get(index).stream().filter(s -> s.nanos() >= from && s.nanos() <= to)
        .mapToLong(s -> Math.round(s.seconds() * 1000)).max().orElse(-1);
  }

  private static long longestGap(List<Long> progressAt, long from, long to) {
    List<Long> points = new ArrayList<>();
    points.add(from);
    progressAt.stream().filter(t -> t > from && t < to).forEach(points::add);
    points.add(to);
    long longest = 0;
    for (int i = 1; i < points.size(); i++) {
      longest = Math.max(longest, points.get(i) - points.get(i - 1));
    }
    return TimeUnit.NANOSECONDS.toMillis(longest);
  }

  private void sample() {
    boolean progressed = false;
    for (int i = 0; i < metrics.size(); i++) {
      String body = scrape(metrics.get(i));
      double now = value(OUT, body);
      if (now < 0) {
        continue;
      }
      double ack = value(ACK_MAX, body);
      if (ack >= 0) {
        ackMax.get(i).add(new Sample(System.nanoTime(), ack));
      }
      if (now < last[i]) {
        last[i] = 0; // restarted
      }
      if (now > last[i]) {
        total += now - last[i];
        last[i] = now;
        progressed = true;
        progressAtEach.get(i).add(System.nanoTime());
      }
    }
    if (progressed) {
      progressAt.add(System.nanoTime());
    }
  }

  /** The metric's value in {@code body}; -1 when it is not there. */
  private static double value(Pattern metric, String body) {
    Matcher m = metric.matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  /** The bridge's {@code /metrics} text; empty when it does not answer. */
  private String scrape(URI base) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("metrics"))
          .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : "";
    } catch (java.io.IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
