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
import io.testline.schemas.Measurement;
import io.testline.schemas.MeasurementOutcome;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.RunStep;
import io.testline.schemas.Step;
import io.testline.schemas.StepOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Python scripts using the distribution's {@code python/testline.py}, wrapped by {@code testline-agent run}: one
 * that passes, one that fails a limit, one that raises mid-step; what the agent publishes is checked.
 */
@ExtendWith(RealBrokers.class)
class PythonHelperIT {
  private static final Duration DELIVERY = Duration.ofSeconds(30);
  /** The helper as the distribution ships it (the package phase copies it there before the ITs run). */
  private static final Path HELPER_DIR = Path.of("target/testline-agent/python").toAbsolutePath();
  private static final String PRELUDE = """
      import os, sys
      sys.path.insert(0, sys.argv[1])
      from testline import Results
      r = Results()
      """;

  @Test
  void scripts_that_pass_fail_a_limit_and_raise_mid_step_publish_their_steps_and_outcomes(MqttBroker broker,
      @TempDir Path tmp) throws Exception {
    assertThat(HELPER_DIR.resolve("testline.py")).exists();
    TestStation station = new TestStation(tmp, broker, null);
    Path passing = station.script("fct_pass.py", PRELUDE + """
        with r.step("3V3 rail", path="Power/Rails/3V3") as s:
            s.measure("voltage", 3.31, unit="V", low=3.2, high=3.4)
        with r.step("Firmware", path="Identity/Firmware") as s:
            s.measure("version", "1.4.2 – Prüfstand ✓")
            with open(os.path.join(os.environ["TESTLINE_RUN_DIR"], "eeprom.bin"), "wb") as f:
                f.write(b"\\x00\\x01\\x02")
            s.attach("eeprom.bin", media_type="application/octet-stream")
        print("all steps passed")
        """);
    Path failing = station.script("fct_fail.py", PRELUDE + """
        with r.step("3V3 rail") as s:
            ok = s.measure("voltage", 3.52, unit="V", low=3.2, high=3.4)
        print("within limits:", ok)
        sys.exit(0 if ok else 1)
        """);
    Path raising = station.script("fct_crash.py", PRELUDE + """
        with r.step("3V3 rail") as s:
            s.measure("voltage", 3.30, unit="V", low=3.2, high=3.4)
        with r.step("Relay K3") as s:
            s.measure("coil current", 0.12, unit="A", high=0.2)
            raise RuntimeError("relay K3 stuck closed")
        with r.step("never reached"):
            pass
        """);

    try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
      TestStation.Result pass = station.run("SN-PY-1", "--", "python3", passing.toString(), HELPER_DIR.toString());
      TestStation.Result fail = station.run("SN-PY-2", "--", "python3", failing.toString(), HELPER_DIR.toString());
      TestStation.Result crash = station.run("SN-PY-3", "--", "python3", raising.toString(), HELPER_DIR.toString());
      assertThat(pass.exitCode()).as(pass.err()).isEqualTo(AgentExitCodes.PASS);
      assertThat(fail.exitCode()).as(fail.err()).isEqualTo(AgentExitCodes.FAIL);
      assertThat(crash.exitCode()).as(crash.err()).isEqualTo(AgentExitCodes.ERROR);
      await().atMost(DELIVERY).until(() -> monitor.finished(f -> true).size() == 3);

      RunFinished passed = finished(monitor, "SN-PY-1");
      assertThat(passed.outcome()).isEqualTo(RunOutcome.PASS);
      assertThat(passed.steps()).extracting(Step::path, Step::outcome).containsExactly(
          org.assertj.core.groups.Tuple.tuple("Power/Rails/3V3", StepOutcome.PASS),
          org.assertj.core.groups.Tuple.tuple("Identity/Firmware", StepOutcome.PASS));
      assertThat(passed.steps().get(0).measurements()).singleElement().isEqualTo(new Measurement("voltage", 3.31,
          null, "V", 3.2, 3.4, io.testline.schemas.Comparator.GELE, null, MeasurementOutcome.PASS, null));
      assertThat(passed.steps().get(0).startedAt()).isNotNull();
      assertThat(passed.steps().get(1).measurements().get(0).text()).isEqualTo("1.4.2 – Prüfstand ✓");
      assertThat(passed.steps().get(1).attachments()).singleElement().satisfies(a -> {
        assertThat(a.sizeBytes()).isEqualTo(3L);
        assertThat(a.sha256()).hasSize(64);
      });
      // each step was published as its own run.step while the run went on, not only in run.finished
      List<Event<RunStep>> steps = monitor.distinct(RunStep.class).stream()
          .filter(e -> e.data().runId().equals(passed.runId())).toList();
      assertThat(steps).hasSize(2);

      RunFinished failed = finished(monitor, "SN-PY-2");
      assertThat(failed.outcome()).isEqualTo(RunOutcome.FAIL);
      assertThat(failed.failingStep()).isEqualTo("3V3 rail");
      assertThat(failed.steps().get(0).measurements().get(0).outcome()).isEqualTo(MeasurementOutcome.FAIL);
      assertThat(monitor.logLines(failed.runId(), LogStream.STDOUT)).containsExactly("within limits: False");

      RunFinished crashed = finished(monitor, "SN-PY-3");
      assertThat(crashed.outcome()).isEqualTo(RunOutcome.ERROR);
      assertThat(crashed.steps()).extracting(Step::name, Step::outcome).containsExactly(
          org.assertj.core.groups.Tuple.tuple("3V3 rail", StepOutcome.PASS),
          org.assertj.core.groups.Tuple.tuple("Relay K3", StepOutcome.ERROR));
      Step relay = crashed.steps().get(1);
      assertThat(relay.errorCode()).isEqualTo("RuntimeError");
      assertThat(relay.errorMessage()).isEqualTo("relay K3 stuck closed");
      assertThat(relay.measurements().get(0).outcome()).isEqualTo(MeasurementOutcome.PASS);
      assertThat(crashed.failingStep()).isEqualTo("Relay K3");
      // the exception went on: Python printed its traceback and exited 1
      assertThat(crashed.exitCode()).isEqualTo(1);
      assertThat(monitor.logLines(crashed.runId(), LogStream.STDERR))
          .contains("RuntimeError: relay K3 stuck closed");
    }
  }

  private static RunFinished finished(EventCollector monitor, String serial) {
    return monitor.finished(f -> f.serialNumber().equals(serial)).get(0).data();
  }
}
