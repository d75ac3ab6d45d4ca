package io.testline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.agent.run.AgentExitCodes;
import io.testline.agent.support.EventCollector;
import io.testline.agent.support.TestStation;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.schemas.Event;
import io.testline.schemas.LogStream;
import io.testline.schemas.MeasurementOutcome;
import io.testline.schemas.MessageValidator;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunLog;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.RunStarted;
import io.testline.schemas.RunStep;
import io.testline.schemas.StepOutcome;
import io.testline.schemas.EventJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The run mode against a real mosquitto with real child processes. */
@ExtendWith(RealBrokers.class)
class RunModeIT {
  private static final Duration DELIVERY = Duration.ofSeconds(30);

  @Test
  void passing_example_script_publishes_started_steps_logs_and_a_self_contained_finished(MqttBroker broker,
      @TempDir Path tmp) throws Exception {
    TestStation station = new TestStation(tmp, broker, null);
    try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
      Path example = Path.of("examples/example_test.py").toAbsolutePath();

      TestStation.Result result = station.run("SN-PASS-1", "--part", "PCB-1", "--operator", "op7", "--",
          "python3", example.toString());

      assertThat(result.exitCode()).as(result.err()).isEqualTo(AgentExitCodes.PASS);
      await().atMost(DELIVERY).until(() -> !monitor.finished(f -> f.serialNumber().equals("SN-PASS-1")).isEmpty());
      RunFinished finished = monitor.finished(f -> true).get(0).data();
      assertThat(finished.outcome()).isEqualTo(RunOutcome.PASS);
      assertThat(finished.exitCode()).isZero();
      assertThat(finished.partNumber()).isEqualTo("PCB-1");
      assertThat(finished.steps()).extracting(s -> s.path())
          .containsExactly("Power/Rails/3V3", "Power/Current", "Signals/Clock", "Identity/Firmware");
      assertThat(finished.steps().get(0).measurements().get(0).outcome()).isEqualTo(MeasurementOutcome.PASS);
      assertThat(finished.steps().get(2).attachments().get(0).sha256()).hasSize(64);
      assertThat(finished.counts().steps()).isEqualTo(4);
      assertThat(finished.program().hash()).startsWith("sha256:");

      List<Event<RunStep>> steps = monitor.distinct(RunStep.class);
      assertThat(steps).hasSize(4);
      assertThat(monitor.distinct(RunStarted.class)).singleElement()
          .satisfies(e -> assertThat(e.data().operator()).isEqualTo("op7"));
      assertThat(monitor.logLines(finished.runId(), LogStream.STDOUT))
          .containsExactly("powering up the unit", "measuring current", "firmware version check", "all steps passed");

      // every message is valid against the contract, and the run's events arrive in seq order
      MessageValidator validator = new MessageValidator();
      for (var r : monitor.all()) {
        assertThat(validator.validate(r.payload(), station.stationId))
            .as(r.topic()).isInstanceOf(io.testline.schemas.Validation.Valid.class);
      }
      UUID session = monitor.distinct(RunStarted.class).get(0).agentSession();
      List<Long> runSeqs = monitor.all().stream()
          .filter(r -> !r.retained() && r.event().agentSession().equals(session))
          .map(r -> r.event().seq()).toList();
      assertThat(runSeqs).isSorted();
    }
  }

  @Test
  void failing_step_makes_a_failed_run_with_the_programs_error_code(MqttBroker broker, @TempDir Path tmp)
      throws Exception {
    TestStation station = new TestStation(tmp, broker, null);
    try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
      TestStation.Result result = station.run("SN-FAIL-1", "--", "python3",
          Path.of("examples/example_test.py").toAbsolutePath().toString(), "--fail");

      assertThat(result.exitCode()).isEqualTo(AgentExitCodes.FAIL);
      await().atMost(DELIVERY).until(() -> !monitor.finished(f -> true).isEmpty());
      RunFinished finished = monitor.finished(f -> true).get(0).data();
      assertThat(finished.outcome()).isEqualTo(RunOutcome.FAIL);
      assertThat(finished.errorCode()).isEqualTo("IDLE_CURRENT_HIGH");
      assertThat(finished.failingStep()).isEqualTo("Power/Current");
      assertThat(finished.steps().get(1).outcome()).isEqualTo(StepOutcome.FAIL);
      assertThat(monitor.logLines(finished.runId(), LogStream.STDERR)).containsExactly("FAIL: idle current too high");
    }
  }

  @Test
  void segfaulting_child_is_crashed_with_sigsegv_its_stderr_and_results_kept(MqttBroker broker, @TempDir Path tmp)
      throws Exception {
    TestStation station = new TestStation(tmp, broker, null);
    Path script = station.script("crash.py", """
        import os, signal, sys
        with open(os.environ["TESTLINE_RESULTS_FILE"], "a") as f:
            f.write('{"type": "step", "name": "before crash", "outcome": "PASS"}\\n')
            f.write('{"type": "step", "name": "torn')
        print("about to crash", file=sys.stderr, flush=True)
        os.kill(os.getpid(), signal.SIGSEGV)
        """);
    try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
      TestStation.Result result = station.run("SN-CRASH-1", "--", "python3", script.toString());

      assertThat(result.exitCode()).isEqualTo(AgentExitCodes.CRASHED);
      await().atMost(DELIVERY).until(() -> !monitor.finished(f -> true).isEmpty());
      RunFinished finished = monitor.finished(f -> true).get(0).data();
      assertThat(finished.outcome()).isEqualTo(RunOutcome.CRASHED);
      assertThat(finished.signal()).isEqualTo("SIGSEGV");
      assertThat(finished.coreDumped()).isTrue();
      assertThat(finished.exitCode()).isNull();
      assertThat(finished.steps()).extracting(s -> s.name()).containsExactly("before crash");
      // then Python's faulthandler block (PYTHONFAULTHANDLER=1 from the agent)
      assertThat(monitor.logLines(finished.runId(), LogStream.STDERR))
          .startsWith("about to crash", "Fatal Python error: Segmentation fault");
      assertThat(monitor.logLines(finished.runId(), LogStream.AGENT))
          .anyMatch(l -> l.contains("torn last line"))
          .anyMatch(l -> l.contains("killed by SIGSEGV"));
      Path dir = station.runDir(finished.runId());
      assertThat(Files.readString(dir.resolve("stderr.log")))
          .startsWith("about to crash\nFatal Python error: Segmentation fault\n");
      assertThat(Files.readString(dir.resolve("results.jsonl"))).endsWith("\"name\": \"torn");
    }
  }

  @Test
  void hung_child_times_out_and_leaves_no_process_behind(MqttBroker broker, @TempDir Path tmp) throws Exception {
    TestStation station = new TestStation(tmp, broker, null);
    Path pids = tmp.resolve("pids");
    Path script = station.script("hang.sh", """
        #!/bin/sh
        sleep 1000 &
        echo $! > %s
        echo $$ >> %s
        echo "waiting forever"
        sleep 1000
        """.formatted(pids, pids));
    try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
      TestStation.Result result = station.run("SN-HANG-1", "--timeout", "2s", "--", "sh", script.toString());

      assertThat(result.exitCode()).isEqualTo(AgentExitCodes.TIMEOUT);
      List<Long> started = Files.readAllLines(pids).stream().map(String::trim).map(Long::parseLong).toList();
      assertThat(started).hasSize(2);
      for (long pid : started) {
        await().atMost(Duration.ofSeconds(5))
            .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
      }
      await().atMost(DELIVERY).until(() -> !monitor.finished(f -> true).isEmpty());
      RunFinished finished = monitor.finished(f -> true).get(0).data();
      assertThat(finished.outcome()).isEqualTo(RunOutcome.TIMEOUT);
      assertThat(finished.errorCode()).isEqualTo("TIMEOUT");
      assertThat(monitor.logLines(finished.runId(), LogStream.STDOUT)).containsExactly("waiting forever");
    }
  }

  @Test
  void two_runs_of_one_serial_number_keep_two_separate_logs(MqttBroker broker, @TempDir Path tmp) throws Exception {
    TestStation station = new TestStation(tmp, broker, null);
    try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
      assertThat(station.run("SN-TWICE", "--", "sh", "-c", "echo first run").exitCode()).isZero();
      assertThat(station.run("SN-TWICE", "--attempt", "2", "--", "sh", "-c", "echo second run").exitCode())
          .isZero();

      List<Path> dirs = station.runDirs();
      assertThat(dirs).hasSize(2);
      assertThat(dirs).extracting(d -> readString(d.resolve("stdout.log")))
          .containsExactlyInAnyOrder("first run\n", "second run\n");
      await().atMost(DELIVERY).until(() -> monitor.finished(f -> true).size() == 2);
      List<UUID> runIds = monitor.finished(f -> true).stream().map(e -> e.data().runId()).distinct().toList();
      assertThat(runIds).hasSize(2);
      assertThat(monitor.logLines(runIds.get(0), LogStream.STDOUT)).containsExactly("first run");
      assertThat(monitor.logLines(runIds.get(1), LogStream.STDOUT)).containsExactly("second run");
    }
  }

  @Test
  void child_printing_10000_lines_per_second_for_10_seconds_loses_no_line(MqttBroker broker, @TempDir Path tmp)
      throws Exception {
    TestStation station = new TestStation(tmp, broker, null);
    Path script = station.script("flood.py", """
        import sys, time
        start = time.monotonic()
        for i in range(1, 100001):
            sys.stdout.write("line %06d of the flood test with some padding text\\n" % i)
            if i % 1000 == 0:
                sys.stdout.flush()
                delay = start + i / 10000.0 - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
        sys.stdout.flush()
        """);
    try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
      TestStation.Result result = station.run("SN-FLOOD", "--", "python3", script.toString());

      assertThat(result.exitCode()).as(result.err()).isZero();
      await().atMost(DELIVERY).until(() -> !monitor.finished(f -> true).isEmpty());
      RunFinished finished = monitor.finished(f -> true).get(0).data();
      List<RunLog> chunks = monitor.distinct(RunLog.class).stream().map(Event::data)
          .filter(l -> l.stream() == LogStream.STDOUT).toList();
      List<String> lines = monitor.logLines(finished.runId(), LogStream.STDOUT);
      assertThat(lines).hasSize(100_000);
      for (int i = 0; i < lines.size(); i += 9_973) {
        assertThat(lines.get(i)).startsWith("line %06d ".formatted(i + 1));
      }
      assertThat(lines.get(99_999)).startsWith("line 100000 ");
      long expectedFirst = 1;
      for (RunLog chunk : chunks.stream().sorted(java.util.Comparator.comparingLong(RunLog::firstLine)).toList()) {
        assertThat(chunk.firstLine()).isEqualTo(expectedFirst);
        expectedFirst += chunk.lines().size();
        assertThat(EventJson.toBytes(monitor.distinct(RunLog.class).stream()
            .filter(e -> e.data().chunk() == chunk.chunk()).findFirst().orElseThrow()).length)
            .isLessThanOrEqualTo(io.testline.schemas.Schemas.MAX_LOG_CHUNK_BYTES);
      }
      assertThat(Files.readAllLines(station.runDir(finished.runId()).resolve("stdout.log"))).hasSize(100_000);
    }
  }

  private static String readString(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
