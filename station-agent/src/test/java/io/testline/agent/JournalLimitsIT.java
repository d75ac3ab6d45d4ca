package io.testline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.agent.cli.AgentRuntime;
import io.testline.agent.journal.FreeSpaceProbe;
import io.testline.agent.run.AgentExitCodes;
import io.testline.agent.support.EventCollector;
import io.testline.agent.support.TestStation;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.schemas.LogStream;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunStarted;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The journal's bound, its alarm and the disk-space floor, with nothing lost. */
@ExtendWith(RealBrokers.class)
class JournalLimitsIT {

  @Test
  void full_journal_raises_the_alarm_refuses_new_runs_and_loses_nothing(MqttBroker broker, @TempDir Path tmp)
      throws Exception {
    TestStation station = new TestStation(tmp, broker, """
        journal:
          maxBytes: 64KiB
        """, "1s");
    Path script = station.script("chatty.py", """
        for i in range(1, 1501):
            print("a fairly long line of output to fill the journal, number %d" % i)
        """);
    try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
      broker.stop();
      TestStation.Result first;
      TestStation.Result refused;
      try {
        first = station.run("SN-FULL-1", "--", "python3", script.toString());
        try (AgentRuntime offline = AgentRuntime.start(station.config(), FreeSpaceProbe.FILE_SYSTEM,
            Clock.systemUTC())) {
          assertThat(offline.journal().stats().alarm()).isTrue();
          assertThat(offline.metrics().get("testline.agent.journal.alarm").gauge().value()).isEqualTo(1.0);
          assertThat(offline.presence().orElseThrow().heartbeatNow().journalAlarm()).isTrue();
        }
        refused = station.run("SN-FULL-2", "--", "sh", "-c", "echo never runs");
      } finally {
        broker.start();
      }

      assertThat(first.exitCode()).as(first.err()).isZero();
      assertThat(refused.exitCode()).isEqualTo(AgentExitCodes.REFUSED);
      assertThat(refused.err()).contains("RUN REFUSED: journal full");
      assertThat(station.runDirs()).hasSize(1);

      // the broker is back: the next start drains the journal; the first run arrives whole, the refused one never ran
      try (AgentRuntime online = AgentRuntime.start(station.config(), FreeSpaceProbe.FILE_SYSTEM,
          Clock.systemUTC())) {
        assertThat(online.flush(Duration.ofSeconds(30))).isTrue();
        assertThat(online.journal().admission().admitted()).isTrue();
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> !monitor.finished(f -> true).isEmpty());
      UUID runId = monitor.finished(f -> true).get(0).data().runId();
      assertThat(monitor.logLines(runId, LogStream.STDOUT)).hasSize(1500);
      assertThat(monitor.distinct(RunStarted.class)).extracting(e -> e.data().serialNumber())
          .containsExactly("SN-FULL-1");
    }
  }

  @Test
  void disk_below_the_free_space_floor_refuses_new_runs_with_a_clear_message(MqttBroker broker, @TempDir Path tmp)
      throws Exception {
    TestStation station = new TestStation(tmp, broker, """
        journal:
          minFreeDisk: 1000000TiB
        """);
    try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
      TestStation.Result refused = station.run("SN-DISK", "--", "sh", "-c", "echo never runs");

      assertThat(refused.exitCode()).isEqualTo(AgentExitCodes.REFUSED);
      assertThat(refused.err()).contains("RUN REFUSED: disk full").contains("journal.minFreeDisk");
      assertThat(station.runDirs()).isEmpty();
      assertThat(monitor.distinct(RunFinished.class)).isEmpty();
    }
  }
}
