package io.testline.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.testline.brokers.Database;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.PostgresServer;
import io.testline.brokers.junit.RealBrokers;
import io.testline.text.StorableText;
import io.testline.consumer.support.Env;
import io.testline.schemas.Attachment;
import io.testline.schemas.Comparator;
import io.testline.schemas.Counts;
import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.LogLine;
import io.testline.schemas.LogStream;
import io.testline.schemas.LogSummary;
import io.testline.schemas.Measurement;
import io.testline.schemas.MeasurementOutcome;
import io.testline.schemas.MessageType;
import io.testline.schemas.MessageValidator;
import io.testline.schemas.Program;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunLog;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.RunStarted;
import io.testline.schemas.RunStep;
import io.testline.schemas.Schemas;
import io.testline.schemas.ShopfloorVerdict;
import io.testline.schemas.StationBirth;
import io.testline.schemas.StationDeath;
import io.testline.schemas.StationHeartbeat;
import io.testline.schemas.Step;
import io.testline.schemas.StepOutcome;
import io.testline.schemas.TopicNames;
import io.testline.schemas.Topics;
import io.testline.schemas.UnitUnderTest;
import io.testline.schemas.Validation;
import io.testline.schemas.Verdict;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every byte a station sends is stored. Generated: every event type the consumer stores, and in it every string
 * field (every string the event binds as free text, found by trying, plus a label's key), holding in turn U+0000,
 * the C0 and C1 control characters, ANSI escapes, lone surrogates (sent as JSON {@code \ud800} escapes) and a
 * string as long as the schema allows that field (about 1 MB for a log line) made of all of them. Each variant is
 * its own run or station, sent through Kafka to the real consumer and PostgreSQL: every one is stored, readable
 * (U+0000 as U+2400, lone surrogates as U+FFFD, all else as sent) in the database and through the query API, its
 * exact original recoverable from the row, and nothing is dead-lettered; a rebuild from Kafka gives the same rows.
 */
@ExtendWith(RealBrokers.class)
class OddBytesIT {
  private static final Instant T = Instant.parse("2026-12-01T08:00:00Z");
  private static final UUID SESSION = UUID.fromString("01900000-0000-7000-8000-00000000abcd");
  private static final String SERIAL = "SN-ODD-1";

  private static final String C0;
  private static final String C1;

  static {
    StringBuilder c0 = new StringBuilder("c0[");
    for (char c = 1; c < 0x20; c++) {
      c0.append(c);
    }
    C0 = c0.append('\u007f').append(']').toString();
    StringBuilder c1 = new StringBuilder("c1[");
    for (char c = 0x80; c < 0xa0; c++) {
      c1.append(c);
    }
    C1 = c1.append(']').toString();
  }

  private static final String ANSI = "\u001b[31;1mFAIL\u001b[0m \u001b]0;title\u0007 \u001b[2K\rdone\u001bc";
  private static final String SURROGATES = "lo\ud800ne \udfff x\udc00\ud800 \ud83d\ude00 end\ud83d";
  private static final String NUL = "a\u0000b\u0000";
  private static final String MIX = NUL + C0 + C1 + ANSI + SURROGATES + " ünïcödé ␀ \\u0000 ";

  /** A field's value in one variant. */
  private record Odd(String kind, String value) {}

  /**
   * One generated event: which field of which type holds what (one value, or one per line or step of a bulk
   * event), and the run or station it alone describes.
   */
  private record Variant(MessageType type, String path, String kind, List<String> values, UUID runId,
      String stationId, byte[] bytes) {
    String describe() {
      return type.schemaId() + " " + path + " = " + kind;
    }
  }

  /** Fields the query API does not return, by type and path (they are in the database, checked there). */
  private static final Set<String> NOT_SERVED_BY_API = Set.of(
      "testline.run.log/1 /data/serialNumber", "testline.shopfloor.verdict/1 /data/serialNumber");

  /**
   * Fields the store keeps for no value at all: a run.step's serial number only keys the record in Kafka (the run's
   * serial comes from run.started and run.finished).
   */
  private static final Set<String> NOT_STORED = Set.of("testline.run.step/1 /data/serialNumber");

  private final MessageValidator validator = new MessageValidator();
  private final AtomicInteger stations = new AtomicInteger();

  @Test
  void every_string_of_every_event_is_stored_readable_and_recoverable_and_nothing_is_dead_lettered(
      KafkaBroker kafka, PostgresServer postgres, Database db) throws Exception {
    TopicNames topics = Env.topics(kafka);
    List<Variant> variants = new ArrayList<>();
    for (Event<?> base : baselines()) {
      variantsOf(base).stream().filter(v -> !NOT_STORED.contains(v.type().schemaId() + " " + v.path()))
          .forEach(variants::add);
    }
    variants.addAll(labelKeyVariants());
    variants.add(bulk(MessageType.RUN_LOG, "/data/lines/0/text", 16384));
    variants.add(bulk(MessageType.RUN_FINISHED, "/data/steps/0/errorMessage", 8192));
    // steps and verdicts are shown by the API within their run: give those runs a plain run.started
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    int plainStarts = 0;
    for (Variant v : variants) {
      if (v.type() == MessageType.RUN_STEP || v.type() == MessageType.SHOPFLOOR_VERDICT) {
        records.add(Env.record(topics, Event.of("ST-ODD", SESSION, 0, T, started(v.runId()))));
        plainStarts++;
      }
      records.add(record(topics, v));
    }
    // a log line whose bytes were NUL and invalid UTF-8 at once, as the agent sends it: its base64 stays the exact bytes
    byte[] raw = {'a', 0, (byte) 0xff, 'b'};
    UUID rawRun = UUID.randomUUID();
    records.add(Env.record(topics, Event.of("ST-ODD", SESSION, 1, T, new RunLog(rawRun, SERIAL, LogStream.STDOUT, 0,
        1, List.of(new LogLine(T, "a\u0000\ufffdb", Base64.getEncoder().encodeToString(raw), null)), 4))));
    assertThat(variants).hasSizeGreaterThan(300);
    long bigOnes = variants.stream().filter(v -> v.bytes().length > 900_000).count();
    assertThat(bigOnes).as("variants with about 1 MB of text").isEqualTo(2);

    long started = System.nanoTime();
    try (ResultConsumer service = ResultConsumer.start(Env.config(kafka, topics, db));
         KafkaProducer<byte[], byte[]> producer = Env.producer(kafka)) {
      Env.send(producer, records);
      // stored or dead-lettered: either way the consumer is through them, and the assertions say which
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
          Env.countOrZero(db, "select count(*) from processed_events") + deadLettered(service) >= records.size());
      System.out.printf("OddBytesIT: %d variants (%d of ~1 MB), %d records stored in %d ms%n", variants.size(),
          bigOnes, records.size(), (System.nanoTime() - started) / 1_000_000);

      assertThat(deadLettered(service)).as("records dead-lettered").isZero();
      assertThat(Env.count(db, "select count(*) from processed_events")).isEqualTo(records.size());
      assertThat(endOffset(kafka, topics.deadLetter())).as("records on the dead-letter topic").isZero();

      HttpClient http = HttpClient.newHttpClient();
      String api = "http://127.0.0.1:" + service.httpPort();
      JsonNode stationList = EventJson.mapper().readTree(get(http, api + "/api/stations", 200));
      List<String> failures = new ArrayList<>();
      try (Connection c = db.connect()) {
        for (Variant v : variants) {
          Set<String> stored = new HashSet<>();
          Set<String> recovered = new HashSet<>();
          int rows = collect(c, v, stored, recovered);
          if (rows == 0) {
            failures.add(v.describe() + ": no row");
            continue;
          }
          Set<String> servedOriginals = new HashSet<>();
          Set<String> served = served(http, api, v, stationList, servedOriginals);
          if (served == null) {
            failures.add(v.describe() + ": not served by the query API");
          }
          for (String value : v.values()) {
            String readable = StorableText.readable(value);
            if (!stored.contains(readable)) {
              failures.add(v.describe() + ": readable form not stored");
            }
            if (!stored.contains(value) && !recovered.contains(value)) {
              failures.add(v.describe() + ": exact original not recoverable");
            }
            if (served != null && served.stream().noneMatch(s -> s.contains(readable))
                && !NOT_SERVED_BY_API.contains(v.type().schemaId() + " " + v.path())) {
              failures.add(v.describe() + ": readable form not in the query API's answer");
            }
            // every field of run.started is a column of runs, whose originals the API returns with the run
            if (v.type() == MessageType.RUN_STARTED && !StorableText.isStorable(value)
                && !servedOriginals.contains(value)) {
              failures.add(v.describe() + ": exact original not in the query API's originals");
            }
          }
        }
        assertThat(failures).isEmpty();
        String rawLines = text(c, "select lines::text from log_chunks where run_id = ?", rawRun);
        JsonNode line = EventJson.mapper().readTree(rawLines).get(0);
        assertThat(line.get("text").textValue()).isEqualTo("a\u2400\ufffdb");
        assertThat(Base64.getDecoder().decode(line.get("base64").textValue())).isEqualTo(raw);
      }
      assertThat(get(http, api + "/api/runs/" + rawRun + "/log", 200)).isEqualTo("a\u2400\ufffdb\n");
    }
    // Kafka is the system of record: a rebuild stores the same readable text and the same originals
    Database rebuilt = postgres.newDatabase("oddrebuilt");
    assertThat(ResultConsumer.rebuild(Env.config(kafka, topics, rebuilt)).stats().applied())
        .isEqualTo(records.size());
    assertThat(Env.dump(rebuilt)).isEqualTo(Env.dump(db));
  }

  // ---- generation ----

  private static RunStarted started(UUID runId) {
    return new RunStarted(runId, SERIAL, List.of(new UnitUnderTest(SERIAL, 1, "slot-A")), "PCB-1", "B",
        new Program("prog.py", "2.4.1", "sha256:abc"), "operator-1", "WO-1", 1, "FCT", "OP40");
  }

  private static Step step(int index) {
    return new Step("Rail 5V0", "Power/Rails/5V0", index, T, T.plusMillis(5), StepOutcome.FAIL,
        List.of(new Measurement("v_5v0", 5.6, null, "V", 4.75, 5.25, Comparator.GELE, 5.0, MeasurementOutcome.FAIL,
                false),
            new Measurement("fw_version", null, "1.2.3", "text", null, null, Comparator.EQ, null,
                MeasurementOutcome.PASS, null)),
        "E-5V0", "rail above limit",
        List.of(new Attachment("scope.png", "/data/scope.png", "image/png", 10L, "ab".repeat(32))));
  }

  /** One event of each type the consumer stores, with every optional string present. */
  private static List<Event<?>> baselines() {
    UUID run = UUID.randomUUID();
    RunStarted s = started(run);
    RunFinished finished = new RunFinished(run, SERIAL, s.units(), s.partNumber(), s.partRevision(), s.program(),
        s.operator(), s.workOrder(), 1, s.testMethod(), s.operation(), T, T.plusSeconds(1), 1000, RunOutcome.CRASHED,
        null, "SIGSEGV", true, "E-CRASH", "segfault in fixture", "Power/Rails/5V0",
        new Counts(1, 0, 1, 0L, 0L, 2L, 1L), new LogSummary(2, 20, 1, "cd".repeat(32)), List.of(step(0)));
    return List.of(
        Event.of("ST-ODD", SESSION, 1, T, s),
        Event.of("ST-ODD", SESSION, 2, T, new RunStep(run, SERIAL, step(0))),
        Event.of("ST-ODD", SESSION, 3, T, new RunLog(run, SERIAL, LogStream.STDOUT, 0, 1,
            List.of(LogLine.of(T, "first line"), new LogLine(T, "second", null, true)), 20)),
        Event.of("ST-ODD", SESSION, 4, T, finished),
        Event.of("ST-ODD", new UUID(3, 3), 5, T, new ShopfloorVerdict(run, SERIAL, Verdict.REJECTED, "R-42",
            "unit not at this operation", 2, 900L, "MES-1")),
        Event.of("ST-ODD", SESSION, 0, T, new StationBirth("1.4.0", "cfg-abc", "plant-1", "L1", "host-1", "linux",
            1L << 30, Map.of("bay", "3"), 7L)),
        Event.of("ST-ODD", SESSION, 6, T, new StationHeartbeat(1, 100L, 1L << 30, false, 0, 1L << 32, 5000L, run,
            SERIAL, "Power/Rails/5V0")),
        Event.of("ST-ODD", SESSION, 7, T, new StationDeath(false, "connection lost")));
  }

  private List<Variant> variantsOf(Event<?> base) {
    ObjectNode tree = (ObjectNode) EventJson.toTree(base);
    List<String> paths = new ArrayList<>();
    textPaths(tree.get("data"), "/data", paths);
    List<Variant> out = new ArrayList<>();
    for (String path : paths) {
      if (!bindsAsText(tree, path)) {
        continue; // an enum, a time, a UUID: not free text, refused by the binder whatever its bytes
      }
      for (Odd odd : odds(tree, path)) {
        out.add(variant(base.type(), tree, path, odd, null));
      }
    }
    return out;
  }

  /**
   * A station label's key holding each odd value but lone surrogates: Jackson refuses those in a field name
   * ("Broken surrogate pair in field name"), so the bridge's validator dead-letters such a message as MALFORMED_JSON
   * before it reaches Kafka; an agent's labels come from its YAML configuration and cannot hold one.
   */
  private List<Variant> labelKeyVariants() {
    Event<?> birth = baselines().stream().filter(e -> e.type() == MessageType.STATION_BIRTH).findFirst()
        .orElseThrow();
    ObjectNode tree = (ObjectNode) EventJson.toTree(birth);
    List<Variant> out = new ArrayList<>();
    for (Odd odd : List.of(new Odd("nul", NUL), new Odd("c0", C0), new Odd("c1", C1), new Odd("ansi", ANSI))) {
      out.add(variant(MessageType.STATION_BIRTH, tree, "/data/labels/{key}", odd, odd.value()));
    }
    return out;
  }

  private Variant variant(MessageType type, ObjectNode base, String path, Odd odd, String labelKey) {
    ObjectNode tree = base.deepCopy();
    tree.put("eventId", UUID.randomUUID().toString());
    UUID runId = null;
    String stationId = tree.get("stationId").textValue();
    if (type.name().startsWith("RUN_") || type == MessageType.SHOPFLOOR_VERDICT) {
      runId = UUID.randomUUID();
      ((ObjectNode) tree.get("data")).put("runId", runId.toString());
    } else {
      stationId = "ST-ODD-" + stations.incrementAndGet();
      tree.put("stationId", stationId);
    }
    if (labelKey != null) {
      ObjectNode labels = (ObjectNode) tree.get("data").get("labels");
      labels.removeAll();
      labels.put(labelKey, "v");
    } else {
      set(tree, path, odd.value());
    }
    return new Variant(type, path, odd.kind(), List.of(odd.value()), runId, stationId, bytes(tree));
  }

  /**
   * About 1 MB of odd text in one event, as much as the message bound allows: the element holding {@code path}
   * (a log line, a step) repeated, each copy's string as long as the schema allows and different from the others.
   */
  private Variant bulk(MessageType type, String path, int max) {
    Event<?> base = baselines().stream().filter(e -> e.type() == type).findFirst().orElseThrow();
    ObjectNode tree = (ObjectNode) EventJson.toTree(base);
    UUID runId = UUID.randomUUID();
    ((ObjectNode) tree.get("data")).put("runId", runId.toString());
    String[] parts = path.split("/"); // "", data, lines|steps, 0, field
    com.fasterxml.jackson.databind.node.ArrayNode array =
        (com.fasterxml.jackson.databind.node.ArrayNode) tree.get("data").get(parts[2]);
    ObjectNode template = (ObjectNode) array.get(0).deepCopy();
    array.removeAll();
    List<String> values = new ArrayList<>();
    StringBuilder mix = new StringBuilder();
    while (mix.length() < max) {
      mix.append(MIX);
    }
    for (int i = 0; ; i++) {
      String prefix = "#" + i + " ";
      String value = prefix + mix.substring(0, max - prefix.length() - 1) + '\u0000';
      ObjectNode element = template.deepCopy();
      element.put(parts[4], value);
      if (element.has("index")) {
        element.put("index", i);
      }
      array.add(element);
      if (bytes(tree).length > Schemas.MAX_MESSAGE_BYTES - 64) {
        array.remove(array.size() - 1);
        break;
      }
      values.add(value);
    }
    tree.put("eventId", UUID.randomUUID().toString());
    byte[] bytes = bytes(tree);
    assertThat(validator.validate(bytes, null)).as("the bulk " + type.schemaId()).isInstanceOf(Validation.Valid.class);
    return new Variant(type, path, "bulk of " + values.size(), values, runId, "ST-ODD", bytes);
  }

  private List<Odd> odds(ObjectNode tree, String path) {
    List<Odd> odds = new ArrayList<>(List.of(new Odd("nul", NUL), new Odd("c0", C0), new Odd("c1", C1),
        new Odd("ansi", ANSI), new Odd("surrogates", SURROGATES)));
    int max = longest(tree, path);
    StringBuilder big = new StringBuilder(max);
    while (big.length() < max) {
      big.append(MIX);
    }
    big.setLength(max);
    // never cut a surrogate pair into a lone one at the end by accident: end on NUL
    big.setCharAt(max - 1, '\u0000');
    odds.add(new Odd("long(" + max + ")", big.toString()));
    return odds;
  }

  /**
   * The longest value the schema accepts for the field (the bridge refuses longer ones as SCHEMA_VIOLATION); no
   * field takes 1 MB, so {@link #bulk} fills whole events with such values instead.
   */
  private int longest(ObjectNode tree, String path) {
    int fit = 1;
    ObjectNode probe = tree.deepCopy();
    set(probe, path, "");
    for (int length : new int[] {16384, 8192, 256, 128, 64, 16}) {
      set(probe, path, "a".repeat(length));
      if (validator.validate(bytes(probe), null) instanceof Validation.Valid) {
        fit = length;
        break;
      }
    }
    return fit;
  }

  private static boolean bindsAsText(ObjectNode tree, String path) {
    ObjectNode probe = tree.deepCopy();
    set(probe, path, "plain text");
    try {
      EventJson.bind(probe);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void textPaths(JsonNode node, String at, List<String> out) {
    if (node.isTextual()) {
      out.add(at);
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        textPaths(node.get(i), at + "/" + i, out);
      }
    } else if (node.isObject()) {
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        textPaths(node.get(name), at + "/" + name, out);
      }
    }
  }

  private static void set(ObjectNode tree, String path, String value) {
    int slash = path.lastIndexOf('/');
    JsonNode parent = tree.at(path.substring(0, slash));
    String last = path.substring(slash + 1);
    if (parent.isArray()) {
      ((com.fasterxml.jackson.databind.node.ArrayNode) parent).set(Integer.parseInt(last), TextNode.valueOf(value));
    } else {
      ((ObjectNode) parent).put(last, value);
    }
  }

  /** The JSON a station would send: UTF-8, every lone surrogate as a JSON escape (it has no UTF-8 form). */
  private static byte[] bytes(JsonNode tree) {
    String json;
    try {
      json = EventJson.mapper().writeValueAsString(tree);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    StringBuilder out = new StringBuilder(json.length() + 64);
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < json.length() && Character.isLowSurrogate(json.charAt(i + 1))) {
        out.append(c).append(json.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static ProducerRecord<byte[], byte[]> record(TopicNames topics, Variant v) {
    String key = v.runId() != null ? (v.type() == MessageType.RUN_LOG ? v.runId().toString() : SERIAL)
        : v.stationId();
    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topics.forType(v.type()),
        key.getBytes(StandardCharsets.UTF_8), v.bytes());
    r.headers().add(Topics.HEADER_SCHEMA, v.type().schemaId().getBytes(StandardCharsets.UTF_8));
    r.headers().add(Topics.HEADER_BRIDGE, "test".getBytes(StandardCharsets.UTF_8));
    return r;
  }

  // ---- checks ----

  /**
   * Every string the variant's rows hold (text columns, strings and keys inside jsonb) into {@code stored}, and every
   * original kept beside them (originals columns, log lines' base64) into {@code recovered}; returns the row count.
   */
  private static int collect(Connection c, Variant v, Set<String> stored, Set<String> recovered)
      throws SQLException {
    List<String> queries = v.runId() != null
        ? List.of("runs", "steps", "measurements", "log_chunks", "verdicts").stream()
            .map(t -> "select to_jsonb(x)::text from " + t + " x where run_id = ?").toList()
        : List.of("select to_jsonb(x)::text from stations x where station_id = ?");
    Object key = v.runId() != null ? v.runId() : v.stationId();
    int rows = 0;
    for (String sql : queries) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setObject(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows++;
            JsonNode row = parse(rs.getString(1));
            row.properties().forEach(col -> {
              if (col.getKey().endsWith("originals")) {
                if (col.getValue().isObject()) {
                  col.getValue().properties().forEach(o -> recover(o.getValue().textValue(), recovered));
                }
              } else {
                strings(col.getValue(), stored);
                if ("lines".equals(col.getKey())) {
                  col.getValue().forEach(line -> {
                    if (line.hasNonNull("base64")) {
                      recover(line.get("base64").textValue(), recovered);
                    }
                  });
                }
              }
            });
          }
        }
      }
    }
    return rows;
  }

  private static void recover(String base64, Set<String> recovered) {
    String original = StorableText.fromExactBase64(base64);
    recovered.add(original);
    try {
      strings(EventJson.mapper().readTree(original), recovered);
    } catch (Exception notJson) {
      // a text column's original, not a document
    }
  }

  /**
   * The strings of the API's answer about the variant's record, or null when it does not know the record; the
   * originals a run's answer carries, decoded, into {@code originals}.
   */
  private static Set<String> served(HttpClient http, String api, Variant v, JsonNode stationList,
      Set<String> originals) throws Exception {
    Set<String> out = new HashSet<>();
    if (v.runId() == null) {
      for (JsonNode s : stationList.path("stations")) {
        if (v.stationId().equals(s.path("stationId").textValue())) {
          strings(s, out);
          return out;
        }
      }
      return null;
    }
    if (v.type() == MessageType.RUN_LOG) {
      String log = get(http, api + "/api/runs/" + v.runId() + "/log", -1);
      if (log == null) {
        return null;
      }
      // text/plain, a line's text followed by a newline: the line is in it as sent, whatever it holds
      out.add(log);
      return out;
    }
    String run = get(http, api + "/api/runs/" + v.runId(), -1);
    if (run == null) {
      return null;
    }
    JsonNode answer = parse(run);
    strings(answer, out);
    answer.path("originals").properties().forEach(o -> recover(o.getValue().textValue(), originals));
    return out;
  }

  private static void strings(JsonNode node, Set<String> out) {
    if (node.isTextual()) {
      out.add(node.textValue());
    } else if (node.isArray()) {
      node.forEach(n -> strings(n, out));
    } else if (node.isObject()) {
      node.properties().forEach(f -> {
        out.add(f.getKey());
        strings(f.getValue(), out);
      });
    }
  }

  private static String get(HttpClient http, String url, int expected) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (expected == -1) {
      return r.statusCode() == 200 ? r.body() : null;
    }
    assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(expected);
    return r.body();
  }

  private static String text(Connection c, String sql, Object key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static JsonNode parse(String json) {
    try {
      return EventJson.mapper().readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long deadLettered(ResultConsumer service) {
    var counter = service.registry().find("testline.consumer.events").tag("result", "dead_lettered").counter();
    return counter == null ? 0 : (long) counter.count();
  }

  private static long endOffset(KafkaBroker kafka, String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList());
      return ends.values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
