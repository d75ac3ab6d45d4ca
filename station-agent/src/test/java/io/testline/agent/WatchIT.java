package io.testline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.agent.support.AgentJvm;
import io.testline.agent.support.EventCollector;
import io.testline.agent.support.TestStation;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.schemas.Event;
import io.testline.schemas.Measurement;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.RunStarted;
import io.testline.schemas.StationBirth;
import io.testline.schemas.StationDeath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code testline-agent watch} as a real agent JVM picking up result files of programs that cannot be changed. */
@ExtendWith(RealBrokers.class)
class WatchIT {
  private static final String WATCH_CONFIG = """
      watch:
        poll: 100ms
        settle: 3s
        mapping:
          serialNumber: SN
          outcome: Result
          partNumber: Part
          measurements: Vcc,Icc
      """;
  private static final Duration DELIVERY = Duration.ofSeconds(30);

  @Test
  void file_written_in_pieces_is_published_once_as_one_run_even_across_an_agent_restart(MqttBroker broker,
      @TempDir Path tmp) throws Exception {
    TestStation station = new TestStation(tmp, broker, WATCH_CONFIG);
    Path folder = Files.createDirectories(tmp.resolve("results"));
    Path file = folder.resolve("uut1.json");
    Path done = folder.resolve("uut1.json.done");
    try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
      try (AgentJvm agent = AgentJvm.start(tmp.resolve("agent-1.out"), "watch", folder.toString(), "--config",
          station.configFile.toString())) {
        await().atMost(DELIVERY).until(() -> !monitor.distinct(StationBirth.class).isEmpty());

        Files.writeString(file, "{\"serialNumber\": \"SN-W-1\", \"outcome\": \"FAIL\", \"steps\": [");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
            .until(() -> Files.exists(file) && monitor.distinct(RunStarted.class).isEmpty());
        Files.writeString(file, "{\"name\": \"Vcc\", \"outcome\": \"FAIL\"}]}", StandardOpenOption.APPEND);

        await().atMost(DELIVERY).until(() -> !monitor.finished(f -> true).isEmpty());
        assertThat(file).doesNotExist();
        assertThat(done).hasContent("{\"serialNumber\": \"SN-W-1\", \"outcome\": \"FAIL\", \"steps\": ["
            + "{\"name\": \"Vcc\", \"outcome\": \"FAIL\"}]}");
        RunFinished finished = monitor.finished(f -> true).get(0).data();
        assertThat(finished.serialNumber()).isEqualTo("SN-W-1");
        assertThat(finished.outcome()).isEqualTo(RunOutcome.FAIL);
        assertThat(finished.failingStep()).isEqualTo("Vcc");
        assertThat(agent.stop()).as(agent.output()).isZero();
      }

      // the agent died after journaling the file but before renaming it: the next start only renames
      Files.move(done, file);
      try (AgentJvm agent = AgentJvm.start(tmp.resolve("agent-2.out"), "watch", folder.toString(), "--config",
          station.configFile.toString())) {
        await().atMost(DELIVERY).until(() -> !Files.exists(file));
        assertThat(done).exists();
        assertThat(agent.stop()).as(agent.output()).isZero();
        assertThat(agent.output()).contains("was journaled before; marking it processed");
      }
      // each agent said goodbye after sending its journal, so everything either journaled has arrived
      await().atMost(DELIVERY).until(() -> monitor.distinct(StationDeath.class).stream()
          .filter(e -> e.data().graceful()).count() == 2);
      assertThat(monitor.distinct(RunStarted.class)).hasSize(1);
      assertThat(monitor.finished(f -> true)).hasSize(1);
    }
  }

  @Test
  void csv_and_key_value_files_are_mapped_and_malformed_files_are_set_aside_with_the_reason(MqttBroker broker,
      @TempDir Path tmp) throws Exception {
    TestStation station = new TestStation(tmp, broker, WATCH_CONFIG);
    Path folder = Files.createDirectories(tmp.resolve("results"));
    // sorted before the good files: a bad file must not hold up the ones after it
    Path broken = write(folder.resolve("a-broken.json"), "{\"serialNumber\": \"SN-X\", \"outcome\": ");
    Path badSteps = write(folder.resolve("b-bad-steps.json"), "{\"serialNumber\": \"SN-Y\", \"outcome\": \"PASS\","
        + " \"steps\": [1]}");
    Path noSerial = write(folder.resolve("c-no-serial.csv"), "Result,Vcc\nPASS,3.3\n");
    Path csv = write(folder.resolve("uut2.csv"), "SN,Part,Result,Vcc,Icc,Operator\nSN-CSV-2,PCB-9,P,3.31,0.42,op1\n");
    Path keyValues = write(folder.resolve("uut3.log"), "# tester output\nSN = SN-KV-3\nResult = NG\nVcc = 2.9\n");

    try (EventCollector monitor = new EventCollector(broker, station.stationId);
         AgentJvm agent = AgentJvm.start(tmp.resolve("agent.out"), "watch", folder.toString(), "--once",
             "--config", station.configFile.toString())) {
      assertThat(agent.waitFor(Duration.ofSeconds(60))).as(agent.output()).isZero();

      await().atMost(DELIVERY).until(() -> monitor.finished(f -> true).size() == 2);
      RunFinished fromCsv = monitor.finished(f -> f.serialNumber().equals("SN-CSV-2")).get(0).data();
      assertThat(fromCsv.outcome()).isEqualTo(RunOutcome.PASS);
      assertThat(fromCsv.partNumber()).isEqualTo("PCB-9");
      assertThat(fromCsv.steps()).singleElement().satisfies(step -> assertThat(step.measurements())
          .extracting(Measurement::name, Measurement::value).containsExactly(
              org.assertj.core.groups.Tuple.tuple("Vcc", 3.31), org.assertj.core.groups.Tuple.tuple("Icc", 0.42)));
      RunFinished fromKeyValues = monitor.finished(f -> f.serialNumber().equals("SN-KV-3")).get(0).data();
      assertThat(fromKeyValues.outcome()).isEqualTo(RunOutcome.FAIL);
      assertThat(monitor.distinct(RunStarted.class)).extracting(Event::data).extracting(RunStarted::serialNumber)
          .containsExactlyInAnyOrder("SN-CSV-2", "SN-KV-3");
      assertThat(folder.resolve("uut2.csv.done")).exists();
      assertThat(folder.resolve("uut3.log.done")).exists();

      assertThat(rejectedReason(broken)).contains("not JSON");
      assertThat(rejectedReason(badSteps)).contains("steps[0]: expected a JSON object");
      assertThat(rejectedReason(noSerial)).contains("serialNumber: missing");
      assertThat(agent.output()).contains("result file " + broken + " rejected: not JSON");
      assertThat(csv).doesNotExist();
      assertThat(keyValues).doesNotExist();
    }
  }

  /** Writes a result file as if it had been there for a minute, so a single scan takes it. */
  private static Path write(Path file, String content) throws Exception {
    Files.writeString(file, content);
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
    return file;
  }

  private static String rejectedReason(Path file) throws Exception {
    assertThat(file).doesNotExist();
    Path rejected = file.resolveSibling(file.getFileName() + ".rejected");
    assertThat(rejected).exists();
    return Files.readString(rejected.resolveSibling(rejected.getFileName() + ".reason.txt"));
  }
}
