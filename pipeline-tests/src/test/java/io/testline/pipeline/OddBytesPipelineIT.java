package io.testline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.testline.audit.AuditReport;
import io.testline.audit.Auditor;
import io.testline.cli.standalone.Standalone;
import io.testline.cli.standalone.StandaloneSettings;
import io.testline.schemas.Counts;
import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.Ids;
import io.testline.schemas.Program;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.RunStarted;
import io.testline.schemas.Step;
import io.testline.schemas.StepOutcome;
import io.testline.schemas.UnitUnderTest;
import io.testline.text.StorableText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end, against standalone (mosquitto, Kafka, PostgreSQL, bridge, consumers, shopfloor simulator) and a real
 * agent process: a test program that prints NULs, control bytes and invalid UTF-8 and reports a step whose name,
 * error message and text measurement hold NULs gets its run stored whole, readable and exactly recoverable, with
 * nothing dead-lettered. Beside it, a run whose run.finished PostgreSQL refuses for good (two steps with one index)
 * is accepted by the shopfloor but missing from the database: the audit reports it as finished but not stored.
 */
class OddBytesPipelineIT {
  private static final String STATION = "ODD-AGENT-1";
  private static final String ROGUE = "ODD-ROGUE-1";

  @Test
  void a_program_printing_nuls_has_its_run_stored_whole_and_an_unstorable_run_finished_fails_the_audit(
      @TempDir Path tmp) throws Exception {
    try (Standalone standalone = new Standalone(StandaloneSettings.onFreePorts(tmp.resolve("data")))) {
      Standalone.Endpoints endpoints = standalone.start();
      Instant from = Instant.now().minusSeconds(1);

      Path program = tmp.resolve("uart_test.sh");
      Files.writeString(program, """
          #!/bin/sh
          printf 'a\\0b\\n'
          printf 'esc \\033[31mred\\033[0m bell \\007 c1 \\302\\205 end\\n'
          printf 'bad \\377\\0 z\\n'
          cat >> "$TESTLINE_RESULTS_FILE" <<'EOF'
          {"type":"step","name":"UART\\u0000banner","outcome":"PASS","errorMessage":"console said \\u0000 here","measurements":[{"name":"banner","value":"boot\\u0000ok"}]}
          EOF
          exit 0
          """, StandardCharsets.UTF_8);
      Path config = tmp.resolve("agent.yaml");
      Files.writeString(config, """
          station:
            id: %s
            line: ODD-L1
            site: LAB
          agent:
            dataDir: %s
          mqtt:
            url: %s
          run:
            timeout: 30s
            flushTimeout: 5s
            verdictTimeout: 30s
            logFlushInterval: 200ms
            program:
              name: uart_test.sh
              version: "1.0"
            testMethod: FCT
            operation: FCT
          """.formatted(STATION, tmp.resolve("agent-data"), endpoints.mqttUri()), StandardCharsets.UTF_8);
      Path agentLog = tmp.resolve("agent.log");
      Process agent = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
          "io.testline.agent.cli.Main", "run", "-c", config.toString(), "--serial", "SN-NUL-1", "--wait-verdict",
          "--", "/bin/sh", program.toString()))
          .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(agentLog.toFile()).start();

      UUID rogueRun = publishUnstorableRun(endpoints.mqttUri());

      assertThat(agent.waitFor(90, TimeUnit.SECONDS)).as("agent finished").isTrue();
      assertThat(agent.exitValue()).as("agent exit (0 = PASS); its output:\n" + Files.readString(agentLog))
          .isZero();

      String jdbc = endpoints.jdbcUrl();
      UUID runId;
      try (Connection c = DriverManager.getConnection(jdbc, endpoints.dbUser(), endpoints.dbPassword())) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() ->
            one(c, "select count(*) from runs r join verdicts v using (run_id)"
                + " where r.serial_number = 'SN-NUL-1' and r.finished") .equals("1"));
        runId = UUID.fromString(one(c, "select run_id from runs where serial_number = 'SN-NUL-1'"));
        assertThat(one(c, "select outcome from runs where run_id = '" + runId + "'")).isEqualTo("PASS");

        // the step and its text measurement: readable in their columns, exact in originals
        assertThat(one(c, "select name from steps where run_id = '" + runId + "'")).isEqualTo("UART\u2400banner");
        assertThat(one(c, "select error_message from steps where run_id = '" + runId + "'"))
            .isEqualTo("console said \u2400 here");
        JsonNode stepOriginals = EventJson.mapper().readTree(
            one(c, "select originals::text from steps where run_id = '" + runId + "'"));
        assertThat(StorableText.fromExactBase64(stepOriginals.get("name").textValue())).isEqualTo("UART\u0000banner");
        assertThat(StorableText.fromExactBase64(stepOriginals.get("error_message").textValue()))
            .isEqualTo("console said \u0000 here");
        assertThat(one(c, "select text_value from measurements where run_id = '" + runId + "'"))
            .isEqualTo("boot\u2400ok");
        assertThat(StorableText.fromExactBase64(EventJson.mapper().readTree(
            one(c, "select originals::text from measurements where run_id = '" + runId + "'"))
            .get("text_value").textValue())).isEqualTo("boot\u0000ok");

        // the log: every line, readable, with the exact bytes the program wrote where they differ
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() ->
            !one(c, "select count(*) from log_chunks where run_id = '" + runId + "' and stream = 'STDOUT'")
                .equals("0"));
        List<JsonNode> lines = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select lines::text from log_chunks where run_id = ?"
            + " and stream = 'STDOUT' order by chunk")) {
          ps.setObject(1, runId);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              EventJson.mapper().readTree(rs.getString(1)).forEach(lines::add);
            }
          }
        }
        assertThat(lines).extracting(l -> l.get("text").textValue()).containsExactly("a\u2400b",
            "esc \u001b[31mred\u001b[0m bell \u0007 c1 \u0085 end", "bad \ufffd\u2400 z");
        assertThat(Base64.getDecoder().decode(lines.get(0).get("base64").textValue()))
            .isEqualTo(new byte[] {'a', 0, 'b'});
        assertThat(lines.get(1).has("base64")).as("a line PostgreSQL holds as it is needs no copy").isFalse();
        assertThat(Base64.getDecoder().decode(lines.get(2).get("base64").textValue()))
            .isEqualTo(new byte[] {'b', 'a', 'd', ' ', (byte) 0xff, 0, ' ', 'z'});
      }

      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> log = http.send(HttpRequest.newBuilder(
              URI.create(endpoints.queryApi() + "api/runs/" + runId + "/log?stream=stdout")).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      assertThat(log.statusCode()).isEqualTo(200);
      assertThat(log.body()).startsWith("a\u2400b\nesc \u001b[31mred");

      // the audit: the agent's run is complete; the rogue run was accepted by the shopfloor but is not stored
      Auditor auditor = new Auditor(new Auditor.Sources(
          Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap()), standalone.topics(),
          new Auditor.Db(endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword()), null), Clock.systemUTC());
      AuditReport[] last = new AuditReport[1];
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
        last[0] = auditor.audit(from, Instant.now().plusSeconds(1));
        return last[0].runs().stream().filter(r -> r.runId().equals(rogueRun))
            .anyMatch(r -> "ACCEPTED".equals(r.ledgerState()) && r.verdict() != null)
            && last[0].deadLetterCount() > 0;
      });
      AuditReport report = last[0];
      assertThat(report.complete()).isFalse();
      assertThat(report.finishedNotStored()).extracting(AuditReport.Run::runId).containsExactly(rogueRun);
      assertThat(report.finishedNotStored().get(0).verdict()).isEqualTo("ACCEPTED");
      assertThat(report.startedNotFinished()).isEmpty();
      assertThat(report.runs()).filteredOn(r -> r.runId().equals(runId))
          .extracting(AuditReport.Run::stored, AuditReport.Run::verdict, AuditReport.Run::ledgerState)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(true, "ACCEPTED", "ACCEPTED"));
      assertThat(report.deadLetters()).as("only the rogue run.finished is dead-lettered")
          .containsExactly(Map.entry("PERMANENT_ERROR", 1L));
    }
  }

  /**
   * A run.started and a run.finished, valid by the schema, whose two steps share one index: the steps table's key
   * refuses it, a permanent storage failure. The shopfloor-bridge submits it from Kafka all the same.
   */
  private static UUID publishUnstorableRun(String mqttUri) throws Exception {
    UUID runId = Ids.newId();
    UUID session = Ids.newId();
    Instant t = Instant.now();
    List<UnitUnderTest> units = List.of(UnitUnderTest.of("SN-ROGUE-1"));
    Program program = new Program("rogue.py", "1", null);
    Step a = new Step("A", "A", 0, t, t, StepOutcome.PASS, null, null, null, null);
    Step b = new Step("B", "B", 0, t, t, StepOutcome.PASS, null, null, null, null);
    Event<?> started = Event.of(ROGUE, session, 0, t, new RunStarted(runId, "SN-ROGUE-1", units, null, null,
        program, null, null, 1, null, null));
    Event<?> finished = Event.of(ROGUE, session, 1, t, new RunFinished(runId, "SN-ROGUE-1", units, null, null,
        program, null, null, 1, null, null, t, t.plusMillis(10), 10, RunOutcome.PASS, 0, null, null, null, null,
        null, new Counts(2, 2, 0, 0L, 0L, 0L, 0L), null, List.of(a, b)));
    MqttClient client = new MqttClient(mqttUri, "odd-bytes-rogue", new MemoryPersistence());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(true);
    client.connect(options);
    try {
      for (Event<?> e : List.of(started, finished)) {
        client.publish("testline/v1/" + ROGUE + "/events", EventJson.toBytes(e), 1, false);
      }
    } finally {
      client.disconnect();
      client.close();
    }
    return runId;
  }

  private static String one(Connection c, String sql) throws Exception {
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
