package io.testline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.agent.run.AgentExitCodes;
import io.testline.agent.support.AgentJvm;
import io.testline.agent.support.EventCollector;
import io.testline.agent.support.TestStation;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.schemas.LogStream;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.RunStarted;
import io.testline.schemas.StationDeath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The operator stops a running {@code testline-agent run} (a real agent JVM) with SIGTERM, as Ctrl-C or systemd do. */
@ExtendWith(RealBrokers.class)
class OperatorAbortIT {

  @Test
  void sigterm_to_the_agent_stops_the_whole_tree_publishes_aborted_and_exits_4(MqttBroker broker, @TempDir Path tmp)
      throws Exception {
    TestStation station = new TestStation(tmp, broker, null);
    Path pids = tmp.resolve("pids");
    Path script = station.script("long.sh", """
        #!/bin/sh
        sleep 1000 &
        echo $! > %s.tmp
        echo $$ >> %s.tmp
        mv %s.tmp %s
        echo "waiting for the operator"
        sleep 1000
        """.formatted(pids, pids, pids, pids));
    try (EventCollector monitor = new EventCollector(broker, station.stationId);
         AgentJvm agent = AgentJvm.start(tmp.resolve("agent.out"), "run", "--config", station.configFile.toString(),
             "--serial", "SN-ABORT-1", "--workdir", tmp.toString(), "--", "sh", script.toString())) {
      await().atMost(Duration.ofSeconds(30)).until(() -> !monitor.distinct(RunStarted.class).isEmpty()
          && Files.exists(pids));
      UUID runId = monitor.distinct(RunStarted.class).get(0).data().runId();
      await().atMost(Duration.ofSeconds(30))
          .until(() -> monitor.logLines(runId, LogStream.STDOUT).contains("waiting for the operator"));
      List<Long> tree = Files.readAllLines(pids).stream().map(String::trim).map(Long::parseLong).toList();
      assertThat(tree).hasSize(2).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isPresent());

      int exit = agent.stop();

      assertThat(exit).as(agent.output()).isEqualTo(AgentExitCodes.ABORTED);
      for (long pid : tree) {
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
            .as("process %d of the test program's tree", pid).isFalse();
      }
      assertThat(agent.handle().descendants()).isEmpty();
      await().atMost(Duration.ofSeconds(30)).until(() -> !monitor.finished(f -> true).isEmpty());
      RunFinished finished = monitor.finished(f -> true).get(0).data();
      assertThat(finished.runId()).isEqualTo(runId);
      assertThat(finished.outcome()).isEqualTo(RunOutcome.ABORTED);
      assertThat(finished.errorCode()).isEqualTo("ABORTED");
      assertThat(finished.errorMessage()).contains("asked to stop");
      assertThat(monitor.logLines(runId, LogStream.AGENT)).anyMatch(l -> l.startsWith("aborted: "));
      assertThat(TestStation.runState(station.runDir(runId))).isEqualTo("FINISHED");
      // the agent said goodbye after the result: nothing was left behind in its journal
      await().atMost(Duration.ofSeconds(10)).until(() -> monitor.distinct(StationDeath.class).stream()
          .anyMatch(e -> e.data().graceful()));
    }
  }
}
