package io.testline.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A few demo stations running one agent invocation after another against a line, as the cluster tests use them:
 * {@link #progress()} is the line's heartbeat (every station finished one more run), {@link #close()} stops them.
 */
final class LineStations implements AutoCloseable {
  private final List<Station> stations = new ArrayList<>();
  private final long progressTimeoutMillis;

  /** Starts {@code count} stations named {@code prefix1..prefixN} under {@code base}, connected to {@code mqttUri}. */
  LineStations(Path base, String prefix, int count, String mqttUri, long progressTimeoutMillis) throws Exception {
    this.progressTimeoutMillis = progressTimeoutMillis;
    for (int i = 1; i <= count; i++) {
      String id = prefix + i;
      stations.add(new Station(id, base.resolve(id), base.resolve(id + "/data"), mqttUri, "", List.of()));
    }
    stations.forEach(Station::start);
  }

  List<Station> list() {
    return List.copyOf(stations);
  }

  /** Every station finishes at least one more agent invocation. */
  void progress() throws InterruptedException {
    for (Station s : stations) {
      s.awaitAttempts(1, progressTimeoutMillis);
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Station s : stations) {
      s.close();
    }
  }
}
