package io.testline.consumer.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.testline.brokers.Database;
import io.testline.brokers.junit.RealBrokers;
import io.testline.consumer.store.EventWriter;
import io.testline.consumer.store.StoreDataSource;
import io.testline.consumer.store.StoredEvent;
import io.testline.consumer.support.RunFixture;
import io.testline.schemas.Crash;
import io.testline.schemas.CrashKind;
import io.testline.schemas.CrashSite;
import io.testline.schemas.Event;
import io.testline.schemas.RunFinished;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * run.finished's crash section stored (with the kept minidump and the files uploaded), runs filtered by crash site,
 * crashes counted by site.
 */
@ExtendWith(RealBrokers.class)
class CrashSiteIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CrashSite READ_RAIL = new CrashSite("/opt/tests/psu.py", 4, "read_rail");
  private static final CrashSite SPIN = new CrashSite("burn_in.c", 5, "wait_forever");
  private static final String MINIDUMP = "burn_in.exe.4242.dmp";
  private static final String FROM = "2026-11-22T00:00:00Z";
  private static final String TO = "2026-11-23T00:00:00Z";

  @Test
  void crash_sections_with_minidump_and_uploads_are_stored_filtered_by_site_and_counted(Database db) throws Exception {
    List<RunFixture.Run> runs = RunFixture.runs(5, 0);
    List<Crash> crashes = List.of(
        new Crash(CrashKind.PYTHON_TRACEBACK, READ_RAIL, null,
            "Fatal Python error: Segmentation fault\n\nCurrent thread 0x1 (most recent call first):\n"
                + "  File \"/opt/tests/psu.py\", line 4 in read_rail\n", "core")
            .withUploads(List.of("core"), null),
        new Crash(CrashKind.PYTHON_TRACEBACK, READ_RAIL, null, "Fatal Python error: Segmentation fault\n", null),
        new Crash(CrashKind.NATIVE_BACKTRACE, SPIN, null, "Thread 1 (LWP 7):\n#0  wait_forever () at burn_in.c:5\n",
            null).withMinidump(MINIDUMP).withUploads(null, MINIDUMP + ": over forensics.uploadMaxBytes"),
        Crash.none("SIGKILL writes no core"));
    List<Event<?>> events = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      List<Event<?>> runEvents = new ArrayList<>(runs.get(i).events());
      // the last run has no crash section at all, as from an agent older than the field
      if (i < crashes.size()) {
        Event<?> f = runEvents.remove(runEvents.size() - 1);
        runEvents.add(Event.of(f.stationId(), f.agentSession(), f.seq(), f.occurredAt(),
            ((RunFinished) f.data()).withCrash(crashes.get(i))));
      }
      events.addAll(runEvents);
    }
    try (HikariDataSource ds = StoreDataSource.create(db.jdbcUrl(), db.user(), db.password(), 2,
        Duration.ofSeconds(5))) {
      StoreDataSource.migrate(ds);
      List<StoredEvent> stored = new ArrayList<>();
      for (Event<?> e : events) {
        stored.add(new StoredEvent(e, "t", 0, stored.size()));
      }
      try (Connection c = ds.getConnection()) {
        c.setAutoCommit(false);
        new EventWriter().write(c, stored);
        c.commit();
      }
      try (QueryApi api = new QueryApi(ds).start("127.0.0.1", 0)) {
        ApiClient client = new ApiClient(api.port());

        JsonNode first = get(client, "/api/runs/" + runs.get(0).runId());
        assertThat(first.path("crashKind").asText()).isEqualTo("python-traceback");
        assertThat(first.path("crashSite").asText()).isEqualTo("/opt/tests/psu.py:4 in read_rail");
        assertThat(first.path("crashFile").asText()).isEqualTo("/opt/tests/psu.py");
        assertThat(first.path("crashLine").asInt()).isEqualTo(4);
        assertThat(first.path("crashFunction").asText()).isEqualTo("read_rail");
        assertThat(first.path("crashTraceback").asText()).contains("line 4 in read_rail");
        assertThat(first.path("crashCoreFile").asText()).isEqualTo("core");
        assertThat(first.path("crashUploaded")).extracting(JsonNode::asText).containsExactly("core");
        assertThat(first.path("crashMinidumpFile").isNull()).isTrue();
        JsonNode hung = get(client, "/api/runs/" + runs.get(2).runId());
        assertThat(hung.path("crashMinidumpFile").asText()).isEqualTo(MINIDUMP);
        assertThat(hung.path("crashUploaded").isNull()).isTrue();
        assertThat(hung.path("crashReason").asText()).isEqualTo(MINIDUMP + ": over forensics.uploadMaxBytes");
        JsonNode none = get(client, "/api/runs/" + runs.get(3).runId());
        assertThat(none.path("crashKind").asText()).isEqualTo("none");
        assertThat(none.path("crashReason").asText()).isEqualTo("SIGKILL writes no core");
        assertThat(none.path("crashSite").isNull()).isTrue();
        assertThat(none.path("crashUploaded").isNull()).isTrue();
        assertThat(get(client, "/api/runs/" + runs.get(4).runId()).path("crashKind").isNull()).isTrue();

        JsonNode filtered = get(client, "/api/runs?crashSite="
            + URLEncoder.encode(READ_RAIL.key(), StandardCharsets.UTF_8)).path("runs");
        assertThat(filtered).extracting(r -> r.path("runId").asText())
            .containsExactlyInAnyOrder(runs.get(0).runId().toString(), runs.get(1).runId().toString());
        assertThat(get(client, "/api/runs?crashSite=nowhere.py%3A1%20in%20f").path("runs")).isEmpty();

        JsonNode sites = get(client, "/api/crashes?from=" + FROM + "&to=" + TO).path("sites");
        assertThat(sites).hasSize(2);
        assertThat(sites.get(0).path("crashSite").asText()).isEqualTo(READ_RAIL.key());
        assertThat(sites.get(0).path("runs").asLong()).isEqualTo(2);
        assertThat(sites.get(0).path("crashFunction").asText()).isEqualTo("read_rail");
        assertThat(sites.get(1).path("crashSite").asText()).isEqualTo(SPIN.key());
        assertThat(sites.get(1).path("runs").asLong()).isEqualTo(1);
        assertThat(get(client, "/api/crashes?from=" + FROM + "&to=" + TO + "&top=1").path("sites")).hasSize(1);
        assertThat(get(client, "/api/crashes?from=2026-11-23T00:00:00Z&to=2026-11-24T00:00:00Z").path("sites"))
            .isEmpty();

        ApiClient.Reply missing = client.get("/api/crashes?from=" + FROM);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(JSON.readTree(missing.body()).path("field").asText()).isEqualTo("to");
        ApiClient.Reply control = client.get("/api/runs?crashSite=a%00b");
        assertThat(control.status()).isEqualTo(400);
        assertThat(JSON.readTree(control.body()).path("field").asText()).isEqualTo("crashSite");
        ApiClient.Reply unknown = client.get("/api/crashes?from=" + FROM + "&to=" + TO + "&site=x");
        assertThat(unknown.status()).isEqualTo(400);
      }
    }
  }

  private static JsonNode get(ApiClient client, String target) throws Exception {
    ApiClient.Reply reply = client.get(target);
    assertThat(reply.status()).as(target + ": " + reply.body()).isEqualTo(200);
    return JSON.readTree(reply.body());
  }
}
