package io.testline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.agent.journal.Journal;
import io.testline.agent.journal.JournalEntry;
import io.testline.agent.run.AgentExitCodes;
import io.testline.agent.support.EventCollector;
import io.testline.agent.support.TestStation;
import io.testline.brokers.MosquittoBroker;
import io.testline.brokers.junit.RequiredTools;
import io.testline.schemas.Ids;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that refuses a publish in its PUBACK (MQTT 5 reason code 0x80 and up; here mosquitto with an ACL that lets
 * the station write every topic but its logs answers 0x87 "not authorized") has not taken the event: it stays in the
 * journal, while the events the broker takes go on. Paho reports such a PUBACK as a success, so before the agent read
 * the reason code the event left the journal and was lost.
 */
@RequiredTools.Needs({"mosquitto"})
class RefusedPublishIT {
  /** Anonymous clients (the agent, the test's monitor) may read everything and write all but the logs. */
  private static final String ACL = """
      topic read testline/v1/#
      topic readwrite testline/v1/+/birth
      topic readwrite testline/v1/+/death
      topic readwrite testline/v1/+/heartbeat
      topic readwrite testline/v1/+/events
      topic readwrite testline/v1/+/verdict
      topic readwrite testline/v1/+/resend
      """;

  @Test
  void an_event_the_broker_refuses_in_its_puback_stays_in_the_journal_and_the_other_events_go_on(@TempDir Path tmp)
      throws Exception {
    Path acl = Files.writeString(tmp.resolve("acl"), ACL);
    try (MosquittoBroker broker = MosquittoBroker.builder().workDir(tmp.resolve("mqtt"))
        .configLine("acl_file " + acl).build()) {
      broker.start();
      TestStation station = new TestStation(tmp, broker, null, "2s");
      Path script = station.script("output.sh", """
          echo "measuring rail 5V0"
          """);
      try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
        TestStation.Result result = station.run("SN-REFUSED-1", "--", "/bin/sh", script.toString());

        assertThat(result.exitCode()).as(result.err()).isEqualTo(AgentExitCodes.PASS);
        await().atMost(Duration.ofSeconds(30)).until(() -> !monitor.finished(f -> true).isEmpty());
        assertThat(result.err()).contains("saved in the journal but not yet acknowledged");
      }
      try (Journal journal = Journal.builder(station.config().journal().path(), station.stationId, Ids.newId())
          .open()) {
        List<JournalEntry> left = journal.readAfter(0, 100);
        assertThat(left).as("the refused log chunks are still journaled").isNotEmpty();
        assertThat(left).allSatisfy(e -> assertThat(e.topic()).endsWith("/logs"));
        assertThat(left).extracting(JournalEntry::type).containsOnly("run.log");
      }
    }
  }
}
