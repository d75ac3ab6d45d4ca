package io.testline.cli.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import io.testline.schemas.EventJson;
import io.testline.schemas.Topics;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The line as a live monitor sees it, built only from the messages of the MQTT topic tree, with no I/O: per station
 * online/offline (a death ends the session its birth began), what it is testing (heartbeat and run events), journal
 * backlog, pass/fail counts and first-pass yield; the recent failures and shopfloor rejections of the line. A
 * redelivered run.finished (same runId) counts once. Thread-safe: {@link #apply} and {@link #render} may be called
 * from different threads.
 */
public final class LineState {
  /** How many recent failures and rejections are kept. */
  public static final int RECENT = 10;
  private static final int REMEMBERED_RUNS = 100_000;

  /** A finished run that did not pass, or a verdict that did not accept. */
  public record Notice(Instant at, String stationId, String serialNumber, String what, String detail) {}

  private final Clock clock;
  private final Map<String, StationView> stations = new TreeMap<>();
  private final Map<String, Integer> attempts = new LinkedHashMap<>();
  private final Set<String> finishedRuns = new LinkedHashSet<>();
  private final Deque<Notice> failures = new ArrayDeque<>();
  private final Deque<Notice> rejections = new ArrayDeque<>();
  private long unreadable;

  public LineState(Clock clock) {
    this.clock = clock;
  }

  /** Applies one message received on {@code mqttTopic}; a payload that is not JSON is counted, not applied. */
  public void apply(String mqttTopic, String json) {
    JsonNode event;
    try {
      event = EventJson.mapper().readTree(json);
    } catch (IOException e) {
      event = null;
    }
    apply(mqttTopic, event);
  }

  /** Applies one parsed message received on {@code mqttTopic}. */
  public synchronized void apply(String mqttTopic, JsonNode event) {
    Optional<Topics.MqttTopic> topic = Topics.parseMqttTopic(mqttTopic);
    if (event == null || !event.isObject() || topic.isEmpty()) {
      unreadable++;
      return;
    }
    StationView station = stations.computeIfAbsent(topic.get().stationId(), StationView::new);
    JsonNode data = event.path("data");
    String session = event.path("agentSession").asText(null);
    switch (event.path("schema").asText("")) {
      case "testline.station.birth/1" -> {
        station.online = true;
        station.offlineSince = null;
        station.session = session;
      }
      case "testline.station.death/1" -> {
        if (station.session == null || station.session.equals(session)) {
          station.online = false;
          station.offlineSince = clock.instant();
          station.gracefulOffline = data.path("graceful").asBoolean(false);
          station.serialNumber = null;
          station.step = null;
          station.runId = null;
        }
      }
      case "testline.station.heartbeat/1" -> heartbeat(station, session, data);
      case "testline.run.started/1" -> {
        station.serialNumber = text(data, "serialNumber");
        station.runId = text(data, "runId");
        station.step = null;
        remember(attempts, text(data, "runId"), data.path("attempt").asInt(1));
      }
      case "testline.run.step/1" -> {
        if (station.runId == null || station.runId.equals(text(data, "runId"))) {
          station.step = text(data, "path") != null ? text(data, "path") : text(data, "name");
        }
      }
      case "testline.run.finished/1" -> finished(station, data);
      case "testline.shopfloor.verdict/1" -> verdict(station, data);
      default -> { }
    }
  }

  private void heartbeat(StationView station, String session, JsonNode data) {
    if (!station.online && station.session != null && station.session.equals(session)) {
      return; // a late heartbeat of the session that died
    }
    station.online = true;
    station.offlineSince = null;
    station.session = session == null ? station.session : session;
    station.journalDepth = data.path("journalDepth").isNumber() ? data.path("journalDepth").asLong() : null;
    station.serialNumber = text(data, "activeSerialNumber");
    station.step = text(data, "activeStep");
    station.runId = text(data, "activeRunId");
  }

  private void finished(StationView station, JsonNode data) {
    String runId = text(data, "runId");
    if (runId != null && !finishedRuns.add(runId)) {
      return;
    }
    trim(finishedRuns);
    String outcome = TerminalText.safe(data.path("outcome").asText("UNKNOWN").toUpperCase(Locale.ROOT));
    boolean pass = outcome.equals("PASS");
    int attempt = data.path("attempt").isNumber() ? data.path("attempt").asInt()
        : attempts.getOrDefault(runId, 1);
    station.lastOutcome = outcome;
    if (pass) {
      station.passed++;
    } else {
      station.failed++;
      String detail = String.join(" ", nonNull(text(data, "failingStep")), nonNull(text(data, "errorCode")),
          nonNull(text(data, "errorMessage"))).trim();
      push(failures, new Notice(clock.instant(), station.stationId, text(data, "serialNumber"), outcome, detail));
    }
    if (attempt == 1) {
      station.firstAttempts++;
      if (pass) {
        station.firstAttemptsPassed++;
      }
    }
    if (runId != null && runId.equals(station.runId)) {
      station.runId = null;
      station.serialNumber = null;
      station.step = null;
    }
  }

  private void verdict(StationView station, JsonNode data) {
    String verdict = data.path("verdict").asText("");
    if (verdict.equals("REJECTED") || verdict.equals("DEAD")) {
      String detail = String.join(" ", nonNull(text(data, "code")), nonNull(text(data, "message"))).trim();
      push(rejections, new Notice(clock.instant(), station.stationId, text(data, "serialNumber"), verdict, detail));
    }
  }

  /** The station's state, if any message of it was seen. */
  public synchronized Optional<StationStatus> station(String stationId) {
    return Optional.ofNullable(stations.get(stationId)).map(StationView::snapshot);
  }

  public synchronized java.util.List<Notice> recentFailures() {
    return java.util.List.copyOf(failures);
  }

  public synchronized java.util.List<Notice> recentRejections() {
    return java.util.List.copyOf(rejections);
  }

  /** The view as text: a table of stations, then the recent failures and rejections, newest first. */
  public synchronized String render() {
    StringBuilder s = new StringBuilder();
    long online = stations.values().stream().filter(v -> v.online).count();
    s.append(String.format("stations %d, online %d%s%n", stations.size(), online,
        unreadable > 0 ? ", unreadable messages " + unreadable : ""));
    s.append(String.format("%-14s %-26s %-16s %-22s %-8s %5s %5s %6s %7s%n", "STATION", "STATE", "SN", "STEP",
        "LAST", "PASS", "FAIL", "FPY", "JOURNAL"));
    for (StationView v : stations.values()) {
      StationStatus st = v.snapshot();
      String state = st.online() ? "ONLINE" : "OFFLINE" + (st.offlineSince() == null ? ""
          : " since " + time(st.offlineSince()) + (st.gracefulOffline() ? "" : " (Will)"));
      s.append(String.format("%-14s %-26s %-16s %-22s %-8s %5d %5d %6s %7s%n", st.stationId(), state,
          dash(st.serialNumber()), dash(st.step()), dash(st.lastOutcome()), st.passed(), st.failed(),
          Double.isNaN(st.firstPassYield()) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * st.firstPassYield()),
          st.journalDepth() == null ? "-" : st.journalDepth().toString()));
    }
    section(s, "Recent failures", failures);
    section(s, "Shopfloor rejections", rejections);
    return s.toString();
  }

  private void section(StringBuilder s, String title, Deque<Notice> notices) {
    s.append(title).append(notices.isEmpty() ? ": none" : ":").append('\n');
    notices.descendingIterator().forEachRemaining(n -> s.append(String.format("  %s  %-14s %-16s %-9s %s%n",
        time(n.at()), n.stationId(), dash(n.serialNumber()), n.what(), n.detail())));
  }

  private String time(Instant at) {
    return LocalTime.ofInstant(at, clock.getZone()).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static void push(Deque<Notice> notices, Notice n) {
    notices.addLast(n);
    while (notices.size() > RECENT) {
      notices.removeFirst();
    }
  }

  private static void remember(Map<String, Integer> map, String key, int value) {
    if (key != null) {
      map.put(key, value);
      if (map.size() > REMEMBERED_RUNS) {
        map.remove(map.keySet().iterator().next());
      }
    }
  }

  private static void trim(Set<String> set) {
    if (set.size() > REMEMBERED_RUNS) {
      set.remove(set.iterator().next());
    }
  }

  /** A station-supplied text field, safe to print ({@link TerminalText}). */
  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isValueNode() && !v.isNull() ? TerminalText.safe(v.asText()) : null;
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  private static String dash(String s) {
    return s == null ? "-" : s;
  }
}
