package io.testline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.agent.support.EventCollector;
import io.testline.agent.support.TestStation;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.schemas.Event;
import io.testline.schemas.RunFinished;
import io.testline.schemas.StationDeath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The bridge detects lost events by holes in (agentSession, seq); a clean agent session must leave none. */
@ExtendWith(RealBrokers.class)
class SessionSeqIT {

  @Test
  void a_clean_run_leaves_no_hole_in_its_sessions_seqs_the_goodbye_naming_the_unsent_wills_seq(MqttBroker broker,
      @TempDir Path tmp) throws Exception {
    TestStation station = new TestStation(tmp, broker, null);
    Path script = station.script("ok.py", "print('ok')\n");
    try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
      TestStation.Result result = station.run("SN-SEQ-1", "--", "python3", script.toString());
      assertThat(result.exitCode()).as(result.err()).isZero();
      await().atMost(Duration.ofSeconds(30)).until(() -> !monitor.distinct(StationDeath.class).isEmpty()
          && !monitor.distinct(RunFinished.class).isEmpty());

      UUID session = monitor.distinct(RunFinished.class).get(0).agentSession();
      List<Long> published = monitor.all().stream().map(EventCollector.Received::event)
          .filter(e -> e != null && e.agentSession().equals(session)).map(Event::seq).toList();
      assertThat(published).as("journal order is seq order").isSorted().doesNotHaveDuplicates();
      Event<StationDeath> goodbye = monitor.distinct(StationDeath.class).get(0);
      assertThat(goodbye.data().graceful()).isTrue();
      assertThat(goodbye.data().willSeq()).as("the seq reserved for the Will").isNotNull()
          .isNotIn(published);

      assertThat(monitor.distinct(io.testline.schemas.StationBirth.class).stream()
          .filter(b -> b.agentSession().equals(session)).map(b -> b.data().willSeq()))
          .as("the birth announces the Will's seq").containsOnly(goodbye.data().willSeq());

      List<Long> accounted = new java.util.ArrayList<>(published);
      accounted.add(goodbye.data().willSeq());
      assertThat(accounted.stream().sorted().toList()).as("seqs of session %s, with the Will's", session)
          .containsExactlyElementsOf(LongStream.range(0, accounted.size()).boxed().toList());
    }
  }
}
