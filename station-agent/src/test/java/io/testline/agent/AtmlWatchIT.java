package io.testline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.agent.support.AgentJvm;
import io.testline.agent.support.EventCollector;
import io.testline.agent.support.TestStation;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.schemas.Event;
import io.testline.schemas.LogStream;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.RunStarted;
import io.testline.schemas.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A TestStand station joining: a real agent JVM watching a folder of ATML reports ({@code watch --format atml}). */
@ExtendWith(RealBrokers.class)
class AtmlWatchIT {
  private static final Path FIXTURE = Path.of("src/test/resources/atml/mainboard_fail.xml");

  @Test
  void watched_atml_reports_are_published_as_runs_and_torn_ones_are_set_aside(MqttBroker broker, @TempDir Path tmp)
      throws Exception {
    TestStation station = new TestStation(tmp, broker, null);
    Path folder = Files.createDirectories(tmp.resolve("reports"));
    String report = Files.readString(FIXTURE);
    write(folder.resolve("MainBoard_FCT_SN-ATML-0042.xml"), report);
    Path torn = write(folder.resolve("MainBoard_FCT_SN-ATML-0043.xml"), report.substring(0, report.length() / 3));

    try (EventCollector monitor = new EventCollector(broker, station.stationId);
         AgentJvm agent = AgentJvm.start(tmp.resolve("agent.out"), "watch", folder.toString(), "--format", "atml",
             "--once", "--config", station.configFile.toString())) {
      assertThat(agent.waitFor(Duration.ofSeconds(60))).as(agent.output()).isZero();
      await().atMost(Duration.ofSeconds(30)).until(() -> monitor.finished(f -> true).size() == 1);

      RunFinished run = monitor.finished(f -> true).get(0).data();
      assertThat(run.serialNumber()).isEqualTo("SN-ATML-0042");
      assertThat(run.outcome()).isEqualTo(RunOutcome.FAIL);
      assertThat(run.partNumber()).isEqualTo("PCB-7781");
      assertThat(run.failingStep()).isEqualTo("Power/Idle current");
      assertThat(run.steps()).extracting(Step::name).containsExactly("Power on fixture", "3V3 rail", "Idle current",
          "Firmware version", "Board revision", "RF calibration");
      assertThat(run.counts().measurementsFailed()).isEqualTo(1);
      assertThat(monitor.logLines(run.runId(), LogStream.AGENT)).singleElement().asString()
          .contains("limit not read: Expected CIEQ");
      assertThat(folder.resolve("MainBoard_FCT_SN-ATML-0042.xml.done")).exists();

      assertThat(torn).doesNotExist();
      Path rejected = torn.resolveSibling(torn.getFileName() + ".rejected");
      assertThat(rejected.resolveSibling(rejected.getFileName() + ".reason.txt")).content().contains("not XML");
      assertThat(monitor.distinct(RunStarted.class)).extracting(Event::data).extracting(RunStarted::serialNumber)
          .containsExactly("SN-ATML-0042");
    }
  }

  /** Writes a report as if it had been there for a minute, so a single scan takes it. */
  private static Path write(Path file, String content) throws Exception {
    Files.writeString(file, content);
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
    return file;
  }
}
