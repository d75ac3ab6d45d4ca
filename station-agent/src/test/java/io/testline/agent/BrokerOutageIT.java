package io.testline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.agent.support.EventCollector;
import io.testline.agent.support.TestStation;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.schemas.LogStream;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunStarted;
import io.testline.schemas.RunStep;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The broker is down for a whole run and comes back while the agent is still flushing. */
@ExtendWith(RealBrokers.class)
class BrokerOutageIT {

  @Test
  void broker_down_for_the_whole_run_then_started_receives_everything_in_order(MqttBroker broker, @TempDir Path tmp)
      throws Exception {
    TestStation station = new TestStation(tmp, broker, "");
    Path script = station.script("steps.py", """
        import json, os
        for i in range(1, 6):
            print("output %d" % i, flush=True)
            with open(os.environ["TESTLINE_RESULTS_FILE"], "a") as f:
                f.write(json.dumps({"type": "step", "name": "step %d" % i, "outcome": "PASS"}) + "\\n")
        """);
    try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
      broker.stop();
      CompletableFuture<TestStation.Result> run;
      try {
        run = CompletableFuture.supplyAsync(() -> station.run("SN-OUTAGE", "--", "python3", script.toString()));
        await().atMost(Duration.ofSeconds(30)).until(() -> station.runDirs().size() == 1
            && TestStation.runState(station.runDirs().get(0)).equals("FINISHED"));
        assertThat(run).isNotDone();
      } finally {
        broker.start();
      }

      TestStation.Result result = run.get();
      assertThat(result.exitCode()).as(result.err()).isZero();
      await().atMost(Duration.ofSeconds(30)).until(() -> !monitor.finished(f -> true).isEmpty());
      UUID runId = monitor.finished(f -> true).get(0).data().runId();
      assertThat(monitor.distinct(RunStep.class)).extracting(e -> e.data().step().name())
          .containsExactly("step 1", "step 2", "step 3", "step 4", "step 5");
      assertThat(monitor.logLines(runId, LogStream.STDOUT))
          .containsExactly("output 1", "output 2", "output 3", "output 4", "output 5");

      UUID session = monitor.distinct(RunStarted.class).get(0).agentSession();
      List<Long> seqs = monitor.all().stream()
          .filter(r -> !r.retained() && r.event().agentSession().equals(session))
          .map(r -> r.event().seq()).toList();
      assertThat(seqs).as("the station's events arrive in the order they were journaled").isSorted()
          .doesNotHaveDuplicates();
      List<Object> runEvents = monitor.all().stream().map(r -> (Object) r.event().data())
          .filter(d -> d instanceof RunStarted || d instanceof RunStep || d instanceof RunFinished).toList();
      assertThat(runEvents.get(0)).isInstanceOf(RunStarted.class);
      assertThat(runEvents.get(runEvents.size() - 1)).isInstanceOf(RunFinished.class);
    }
  }
}
