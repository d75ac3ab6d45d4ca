package io.testline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.agent.run.RunRecovery;
import io.testline.agent.support.EventCollector;
import io.testline.agent.support.TestStation;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.schemas.Event;
import io.testline.schemas.LogStream;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunLog;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.RunStarted;
import io.testline.schemas.RunStep;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The agent as a real separate JVM, killed with SIGKILL in the middle of a run. */
@ExtendWith(RealBrokers.class)
class AgentRestartIT {

  @Test
  void agent_killed_mid_run_is_closed_at_restart_and_every_event_arrives_once_in_effect(MqttBroker broker,
      @TempDir Path tmp) throws Exception {
    TestStation station = new TestStation(tmp, broker, null);
    Path childPid = tmp.resolve("child.pid");
    Path script = station.script("slow.py", """
        import json, os, sys, time
        with open("%s", "w") as f:
            f.write(str(os.getpid()))
        results = os.environ["TESTLINE_RESULTS_FILE"]
        for i in range(1, 3):
            with open(results, "a") as f:
                f.write(json.dumps({"type": "step", "name": "step %%d" %% i, "outcome": "PASS"}) + "\\n")
        for i in range(1, 2001):
            print("progress line %%d" %% i, flush=(i %% 100 == 0))
        sys.stdout.flush()
        time.sleep(1000)
        """.formatted(childPid));
    try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
      List<String> command = new ArrayList<>(List.of(javaBin(), "-cp", System.getProperty("java.class.path"),
          "io.testline.agent.cli.Main", "run", "--config", station.configFile.toString(), "--serial", "SN-KILL-9",
          "--workdir", tmp.toString(), "--", "python3", script.toString()));
      Process agent = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(tmp.resolve("agent-1.out").toFile()).start();
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> monitor.distinct(RunStep.class).size() == 2
            && monitor.distinct(RunLog.class).stream().mapToInt(e -> e.data().lines().size()).sum() >= 100);
      } finally {
        agent.destroyForcibly().waitFor();
      }
      UUID runId = monitor.distinct(RunStarted.class).get(0).data().runId();
      long pid = Long.parseLong(Files.readString(childPid).trim());
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("the test program outlives its agent")
          .contains(true);
      assertThat(monitor.finished(f -> true)).isEmpty();

      // the next start of the agent: recovers the run, sends the backlog, then runs the next test
      TestStation.Result next = station.run("SN-NEXT", "--", "sh", "-c", "echo next");

      assertThat(next.exitCode()).as(next.err()).isZero();
      assertThat(next.err()).contains("closed interrupted run " + runId);
      await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
      await().atMost(Duration.ofSeconds(30)).until(() -> monitor.finished(f -> true).size() == 2);
      Event<RunFinished> closed = monitor.finished(f -> f.runId().equals(runId)).get(0);
      assertThat(closed.data().outcome()).isEqualTo(RunOutcome.ERROR);
      assertThat(closed.data().errorCode()).isEqualTo(RunRecovery.ERROR_CODE);
      assertThat(closed.data().errorMessage()).isEqualTo("agent restarted");
      assertThat(closed.data().steps()).hasSize(2);
      assertThat(closed.data().log().sha256()).hasSize(64);

      // every line the program wrote arrives, in numbered order, once in effect
      List<String> lines = monitor.logLines(runId, LogStream.STDOUT);
      List<String> expected = new ArrayList<>();
      for (int i = 1; i <= 2000; i++) {
        expected.add("progress line " + i);
      }
      assertThat(lines).containsExactlyElementsOf(expected);
      List<Long> chunkNumbers = monitor.distinct(RunLog.class).stream().map(Event::data)
          .filter(l -> l.runId().equals(runId)).map(RunLog::chunk).sorted().toList();
      assertThat(chunkNumbers).doesNotHaveDuplicates();
      assertThat(chunkNumbers.get(chunkNumbers.size() - 1)).isEqualTo(chunkNumbers.size() - 1);
      assertThat(monitor.distinct(RunStep.class).stream().filter(e -> e.data().runId().equals(runId)))
          .extracting(e -> e.data().step().name()).containsExactly("step 1", "step 2");
      assertThat(TestStation.runState(station.runDir(runId))).isEqualTo("FINISHED");
    }
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString() + (File.separatorChar == '\\'
        ? ".exe" : "");
  }
}
