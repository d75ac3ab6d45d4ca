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
 * bridge acknowledged them to MQTT) over its {@code /metrics} every 100 ms, to measure how long forwarding stalled.
 * A bridge that is down or restarted (its counter starts again at 0) counts as no progress.
 */
final class BridgeProgress implements AutoCloseable {
  private static final Pattern OUT =
      Pattern.compile("(?m)^testline_bridge_messages_out_total(?:\\{[^}]*})? ([0-9.eE+-]+)$");

  private final List<URI> metrics;
  private final double[] last;
  private final List<Long> progressAt = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
  private volatile double total;

  BridgeProgress(List<URI> bridgeMetrics) {
    this.metrics = List.copyOf(bridgeMetrics);
    this.last = new double[metrics.size()];
    sampler.scheduleWithFixedDelay(this::sample, 0, 100, TimeUnit.MILLISECONDS);
  }

  /** Messages forwarded (acknowledged by Kafka) since sampling began, summed over every instance and restart. */
  double forwarded() {
    return total;
  }

  /** The longest time between {@code from} and {@code to} (System.nanoTime) in which no bridge forwarded. */
  long longestStallMillis(long from, long to) {
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
      double now = scrape(metrics.get(i));
      if (now < 0) {
        continue;
      }
      if (now < last[i]) {
        last[i] = 0; // restarted
      }
      if (now > last[i]) {
        total += now - last[i];
        last[i] = now;
        progressed = true;
      }
    }
    if (progressed) {
      progressAt.add(System.nanoTime());
    }
  }

  /** The counter's value; -1 when the bridge does not answer. */
  private double scrape(URI base) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("metrics"))
          .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
      Matcher m = OUT.matcher(response.body());
      return response.statusCode() == 200 && m.find() ? Double.parseDouble(m.group(1)) : -1;
    } catch (java.io.IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
