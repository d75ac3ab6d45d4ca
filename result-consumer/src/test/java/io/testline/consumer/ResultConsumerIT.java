package io.testline.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.testline.brokers.Database;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.PostgresServer;
import io.testline.brokers.junit.RealBrokers;
import io.testline.consumer.config.ConsumerConfig;
import io.testline.consumer.rebuild.Rebuild;
import io.testline.consumer.support.Env;
import io.testline.consumer.support.RunFixture;
import io.testline.consumer.support.RunFixture.Run;
import io.testline.schemas.Event;
import io.testline.schemas.TopicNames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 10,000 runs (9,000 units, 1,000 retested) with steps, measurements, logs, verdicts and station state, every
 * record delivered twice and logs and verdicts racing ahead of their runs: stored exactly once, rebuilt
 * identically from Kafka, and served correctly by the query API. The tests share the data set and run in order.
 */
@ExtendWith(RealBrokers.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResultConsumerIT {
  private static final int UNITS = 9_000;
  private static final int RETESTS = 1_000;

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private KafkaBroker kafka;
  private PostgresServer postgres;
  private Database db;
  private TopicNames topics;
  private List<Run> runs;
  private long distinctEvents;
  private ResultConsumer service;

  @BeforeAll
  void produce_the_day(KafkaBroker kafka, PostgresServer postgres, Database db) {
    this.kafka = kafka;
    this.postgres = postgres;
    this.db = db;
    this.topics = Env.topics(kafka);
    this.runs = RunFixture.runs(UNITS, RETESTS);
    List<ProducerRecord<byte[], byte[]>> originals = new ArrayList<>();
    RunFixture.stationEvents().forEach(e -> originals.add(Env.record(topics, e)));
    for (Run run : runs) {
      List<Event<?>> ahead = new ArrayList<>(run.logs());
      ahead.add(run.verdict());
      // logs and verdicts travel on other topics, so they may overtake their run's events: half of them do
      if (run.index() % 2 == 0) {
        ahead.forEach(e -> originals.add(Env.record(topics, e)));
        run.events().forEach(e -> originals.add(Env.record(topics, e)));
      } else {
        run.events().forEach(e -> originals.add(Env.record(topics, e)));
        ahead.forEach(e -> originals.add(Env.record(topics, e)));
      }
    }
    distinctEvents = originals.size();
    List<ProducerRecord<byte[], byte[]>> duplicates = new ArrayList<>(originals);
    Collections.shuffle(duplicates, new Random(42));
    try (KafkaProducer<byte[], byte[]> producer = Env.producer(kafka)) {
      Env.send(producer, originals);
      Env.send(producer, duplicates);
    }
  }

  @AfterAll
  void stop() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  @Order(1)
  void stores_every_run_exactly_once_despite_duplicates_and_reordering() {
    service = ResultConsumer.start(Env.config(kafka, topics, db));
    Env.awaitProcessed(db, distinctEvents, Duration.ofMinutes(3));

    int runCount = UNITS + RETESTS;
    long failed = runs.stream().filter(r -> !r.passed()).count();
    long chunks = runs.stream().mapToLong(r -> r.logs().size()).sum();
    assertThat(Env.count(db, "select count(*) from processed_events")).isEqualTo(distinctEvents);
    assertThat(Env.count(db, "select count(*) from runs")).isEqualTo(runCount);
    assertThat(Env.count(db, "select count(*) from runs where finished")).isEqualTo(runCount);
    assertThat(Env.count(db, "select count(*) from runs where outcome = 'FAIL'")).isEqualTo(failed);
    assertThat(Env.count(db, "select count(*) from steps")).isEqualTo(2L * runCount);
    assertThat(Env.count(db, "select count(*) from measurements")).isEqualTo(2L * runCount);
    assertThat(Env.count(db, "select count(*) from log_chunks")).isEqualTo(chunks);
    assertThat(Env.count(db, "select count(*) from verdicts")).isEqualTo(runCount);
    assertThat(Env.count(db, "select count(*) from verdicts where verdict = 'REJECTED'")).isEqualTo(failed);
    assertThat(Env.count(db, "select count(*) from stations")).isEqualTo(RunFixture.STATIONS);
    // the newer heartbeat was sent first: the older one, arriving later, must not regress the station
    assertThat(Env.count(db, "select count(*) from stations where heartbeat_at = '" + RunFixture.T0.plusSeconds(60)
        + "' and (heartbeat ->> 'journalDepth')::int = 2 and state = 'ONLINE' and agent_version is not null"))
        .isEqualTo(RunFixture.STATIONS);
    assertThat(Env.count(db, "select count(*) from steps where outcome = 'FAIL' and path = '"
        + RunFixture.FAILING_STEP + "'")).isEqualTo(failed);
    assertThat(service.registry().find("testline.consumer.events").tag("result", "duplicate").counter().count())
        .isGreaterThan(0);
  }

  @Test
  @Order(2)
  void rebuild_from_kafka_gives_identical_rows() throws Exception {
    Database rebuilt = postgres.newDatabase("rebuilt");
    ConsumerConfig config = Env.config(kafka, topics, rebuilt);
    Rebuild.Result result = ResultConsumer.rebuild(config);

    assertThat(result.stats().applied()).isEqualTo(distinctEvents);
    assertThat(Env.dump(rebuilt)).isEqualTo(Env.dump(db));
  }

  @Test
  @Order(3)
  void query_api_lists_runs_by_serial_station_outcome_program_and_time() throws Exception {
    String base = "http://127.0.0.1:" + service.httpPort();

    JsonNode bySerial = get(base + "/api/runs?serial=SN00007");
    assertThat(bySerial.path("runs")).hasSize(2);
    assertThat(bySerial.path("runs").get(0).path("attempt").asInt()).isEqualTo(2);
    assertThat(bySerial.path("runs").get(0).path("outcome").asText()).isEqualTo("PASS");
    assertThat(bySerial.path("runs").get(1).path("outcome").asText()).isEqualTo("FAIL");

    Instant from = RunFixture.T0.plusSeconds(1000);
    Instant to = RunFixture.T0.plusSeconds(5000);
    Set<String> expected = runs.stream()
        .filter(r -> r.station().equals("ST-3") && !r.passed())
        .filter(r -> !r.startedAt().isBefore(from) && r.startedAt().isBefore(to))
        .map(r -> r.runId().toString()).collect(Collectors.toSet());
    Set<String> seen = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonNode page = get(base + "/api/runs?station=ST-3&outcome=fail&from=" + from + "&to=" + to + "&limit=7"
          + (cursor == null ? "" : "&cursor=" + cursor));
      page.path("runs").forEach(r -> assertThat(seen.add(r.path("runId").asText())).isTrue());
      cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
      pages++;
    } while (cursor != null);
    assertThat(seen).isEqualTo(expected);
    assertThat(pages).isGreaterThan(1);

    JsonNode byProgram = get(base + "/api/runs?program=prog-1&limit=25");
    assertThat(byProgram.path("runs")).hasSize(25);
    byProgram.path("runs").forEach(r -> assertThat(r.path("programName").asText()).isEqualTo("prog-1"));
    assertThat(byProgram.path("runs").get(0).path("startedAt").asText())
        .isEqualTo(runs.get(runs.size() - 1).startedAt().toString());
  }

  @Test
  @Order(4)
  void query_api_serves_one_run_with_steps_measurements_verdict_and_its_log() throws Exception {
    String base = "http://127.0.0.1:" + service.httpPort();
    Run run = runs.get(700); // unit 700: fails its first attempt, has two log chunks

    JsonNode detail = get(base + "/api/runs/" + run.runId());
    assertThat(detail.path("serialNumber").asText()).isEqualTo(run.serial());
    assertThat(detail.path("outcome").asText()).isEqualTo("FAIL");
    assertThat(detail.path("failingStep").asText()).isEqualTo(RunFixture.FAILING_STEP);
    assertThat(detail.path("steps")).hasSize(2);
    JsonNode rail = detail.path("steps").get(1);
    assertThat(rail.path("outcome").asText()).isEqualTo("FAIL");
    assertThat(rail.path("measurements")).hasSize(2);
    assertThat(rail.path("measurements").get(0).path("value").asDouble()).isEqualTo(5.61);
    assertThat(rail.path("measurements").get(0).path("highLimit").asDouble()).isEqualTo(5.25);
    assertThat(detail.path("verdict").path("verdict").asText()).isEqualTo("REJECTED");
    assertThat(detail.path("log").path("lines").asLong()).isEqualTo(4);

    HttpResponse<String> merged = getText(base + "/api/runs/" + run.runId() + "/log");
    assertThat(merged.statusCode()).isEqualTo(200);
    assertThat(merged.body()).isEqualTo("starting SN00700\nmeasuring 5V0 = 5.61\nwarning: fixture 700\n");
    assertThat(merged.headers().firstValue("X-Total-Lines")).contains("4");

    assertThat(getText(base + "/api/runs/" + run.runId() + "/log?stream=stderr").body())
        .isEqualTo("warning: fixture 700\n");
    HttpResponse<String> paged = getText(base + "/api/runs/" + run.runId() + "/log?stream=stdout&offset=1&limit=1");
    assertThat(paged.body()).isEqualTo("measuring ");
    assertThat(paged.headers().firstValue("X-Next-Offset")).contains("2");
  }

  @Test
  @Order(5)
  void query_api_reports_stations_and_first_pass_yield_with_top_failing_steps() throws Exception {
    String base = "http://127.0.0.1:" + service.httpPort();

    JsonNode stations = get(base + "/api/stations").path("stations");
    assertThat(stations).hasSize(RunFixture.STATIONS);
    assertThat(stations.get(0).path("stationId").asText()).isEqualTo("ST-0");
    assertThat(stations.get(0).path("state").asText()).isEqualTo("ONLINE");
    assertThat(stations.get(0).path("agentVersion").asText()).isEqualTo("1.0.0");
    assertThat(stations.get(0).path("lastRunId").asText()).isNotEmpty();

    Instant from = RunFixture.T0;
    Instant to = RunFixture.T0.plusSeconds(4500);
    JsonNode groups = get(base + "/api/yield?from=" + from + "&to=" + to).path("groups");
    Map<String, long[]> expected = new TreeMap<>();
    for (Run r : runs) {
      if (r.attempt() == 1 && r.startedAt().isBefore(to)) {
        long[] e = expected.computeIfAbsent(r.station() + "/" + r.program(), k -> new long[3]);
        e[0]++;
        e[1] += r.passed() ? 1 : 0;
      }
      if (!r.passed() && r.startedAt().isBefore(to)) {
        expected.computeIfAbsent(r.station() + "/" + r.program(), k -> new long[3])[2]++;
      }
    }
    assertThat(groups).hasSize(expected.size());
    for (JsonNode g : groups) {
      long[] e = expected.get(g.path("stationId").asText() + "/" + g.path("program").asText());
      assertThat(g.path("units").asLong()).isEqualTo(e[0]);
      assertThat(g.path("passedFirstTime").asLong()).isEqualTo(e[1]);
      assertThat(g.path("firstPassYield").asDouble()).isCloseTo((double) e[1] / e[0],
          org.assertj.core.data.Offset.offset(1e-9));
      assertThat(g.path("topFailingSteps").get(0).path("step").asText()).isEqualTo(RunFixture.FAILING_STEP);
      assertThat(g.path("topFailingSteps").get(0).path("failures").asLong()).isEqualTo(e[2]);
    }
    JsonNode one = get(base + "/api/yield?from=" + from + "&to=" + to + "&station=ST-4&program=prog-0");
    assertThat(one.path("groups")).hasSize(1);
  }

  @Test
  @Order(6)
  void query_api_refuses_invalid_input_with_a_json_error_naming_the_field() throws Exception {
    String base = "http://127.0.0.1:" + service.httpPort();

    assertError(base + "/api/runs?from=yesterday", 400, "from");
    assertError(base + "/api/runs?limit=0", 400, "limit");
    assertError(base + "/api/runs?outcome=GREAT", 400, "outcome");
    assertError(base + "/api/runs?cursor=bm9wZQ", 400, "cursor");
    assertError(base + "/api/runs?from=2026-11-22T02:00:00Z&to=2026-11-22T01:00:00Z", 400, "to");
    assertError(base + "/api/runs/not-a-uuid", 400, "runId");
    assertError(base + "/api/runs/not-a-uuid/log", 400, "runId");
    assertError(base + "/api/runs/" + runs.get(1).runId() + "/log?stream=video", 400, "stream");
    assertError(base + "/api/yield?to=2026-11-22T02:00:00Z", 400, "from");
    assertError(base + "/api/runs/" + UUID.randomUUID(), 404, null);
    assertError(base + "/api/runs/" + UUID.randomUUID() + "/log", 404, null);
    assertError(base + "/api/nothing", 404, null);

    String metricsBase = "http://127.0.0.1:" + service.metricsPort();
    assertThat(getText(metricsBase + "/health").statusCode()).isEqualTo(200);
    String metrics = getText(metricsBase + "/metrics").body();
    assertThat(metrics).contains("testline_consumer_events_total", "testline_consumer_rows_written_total",
        "testline_consumer_batch_latency_seconds", "testline_consumer_lag", "testline_consumer_errors_total");
  }

  private void assertError(String url, int status, String field) throws Exception {
    HttpResponse<String> response = getText(url);
    assertThat(response.statusCode()).as(url).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).contains("application/json");
    JsonNode body = json.readTree(response.body());
    assertThat(body.path("error").asText()).as(url).isNotBlank();
    if (field != null) {
      assertThat(body.path("field").asText()).as(url).isEqualTo(field);
    }
  }

  private JsonNode get(String url) throws Exception {
    HttpResponse<String> response = getText(url);
    assertThat(response.statusCode()).as(url + " -> " + response.body()).isEqualTo(200);
    return json.readTree(response.body());
  }

  private HttpResponse<String> getText(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
