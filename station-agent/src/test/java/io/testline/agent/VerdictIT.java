package io.testline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.agent.journal.Journal;
import io.testline.agent.run.AgentExitCodes;
import io.testline.agent.support.EventCollector;
import io.testline.agent.support.TestStation;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.Ids;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunStarted;
import io.testline.schemas.SeqGap;
import io.testline.schemas.ShopfloorVerdict;
import io.testline.schemas.StationHeartbeat;
import io.testline.schemas.Topics;
import io.testline.schemas.Verdict;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** --wait-verdict: the exit code says whether the shopfloor accepted the result. */
@ExtendWith(RealBrokers.class)
class VerdictIT {

  @Test
  void waiting_run_exits_with_the_shopfloor_rejection_and_its_code(MqttBroker broker, @TempDir Path tmp)
      throws Exception {
    TestStation.Result result = runAgainstShopfloor(broker, tmp, Verdict.REJECTED, "ROUTE_ERR");

    assertThat(result.exitCode()).isEqualTo(AgentExitCodes.VERDICT_REJECTED);
    assertThat(result.err()).contains("SHOPFLOOR REJECTED").contains("ROUTE_ERR");
  }

  @Test
  void waiting_run_exits_with_the_test_outcome_when_the_shopfloor_accepts(MqttBroker broker, @TempDir Path tmp)
      throws Exception {
    TestStation.Result result = runAgainstShopfloor(broker, tmp, Verdict.ACCEPTED, null);

    assertThat(result.exitCode()).isEqualTo(AgentExitCodes.PASS);
    assertThat(result.out()).contains("shopfloor ACCEPTED");
  }

  @Test
  void a_kept_run_whose_verdict_does_not_come_is_sent_again_whole_and_leaves_the_journal_at_its_verdict(
      MqttBroker broker, @TempDir Path tmp) throws Exception {
    TestStation station = new TestStation(tmp, broker, """
        journal:
          keepUntil: verdict
          resendAfter: 1s
        """);
    AtomicInteger finishes = new AtomicInteger();
    TestStation.Result result;
    List<Event<RunStarted>> starts;
    try (EventCollector shopfloor = new EventCollector(broker, station.stationId)) {
      shopfloor.onMessage((collector, received) -> {
        // the first run.finished is "lost" (as by a broker that dropped it): only the resent one is answered
        if (received.event().data() instanceof RunFinished f && finishes.incrementAndGet() == 2) {
          answer(collector, station.stationId, f, Verdict.ACCEPTED, null);
        }
      });
      result = station.run("SN-RESEND", "--wait-verdict", "--", "sh", "-c", "echo tested");
      starts = shopfloor.events(RunStarted.class);
    }

    assertThat(result.exitCode()).as(result.err()).isEqualTo(AgentExitCodes.PASS);
    assertThat(finishes.get()).as("run.finished sent, then sent again").isGreaterThanOrEqualTo(2);
    assertThat(starts).as("the whole run was sent again").hasSizeGreaterThanOrEqualTo(2);
    assertThat(starts.stream().map(Event::eventId).distinct()).as("with its original eventId").hasSize(1);
    try (Journal journal = Journal.builder(station.config().journal().path(), station.stationId, Ids.newId())
        .open()) {
      assertThat(journal.stats().awaitingConfirmation()).as("the verdict confirmed the run: nothing of it is kept")
          .isZero();
      assertThat(journal.stats().depth()).isZero();
    }
  }

  @Test
  void a_resend_request_from_the_bridge_sends_the_missing_station_event_again(MqttBroker broker, @TempDir Path tmp)
      throws Exception {
    TestStation station = new TestStation(tmp, broker, """
        journal:
          keepUntil: verdict
        """);
    List<Event<?>> copies = new CopyOnWriteArrayList<>();
    AtomicReference<RunFinished> finished = new AtomicReference<>();
    TestStation.Result result;
    try (EventCollector shopfloor = new EventCollector(broker, station.stationId)) {
      shopfloor.onMessage((collector, received) -> {
        Event<?> event = received.event();
        if (event.data() instanceof RunFinished f) {
          finished.compareAndSet(null, f);
        } else if (event.data() instanceof StationHeartbeat && finished.get() != null) {
          if (copies.isEmpty()) {
            // play the bridge's gap detector: this heartbeat (say) never reached Kafka
            copies.add(event);
            SeqGap gap = new SeqGap(station.stationId, event.agentSession(), event.seq(), event.seq(),
                Instant.now(), SeqGap.TIMEOUT);
            send(collector, Topics.mqttTopic(station.stationId, Topics.Kind.RESEND), EventJson.toBytes(gap));
          } else if (event.eventId().equals(copies.get(0).eventId()) && copies.size() == 1) {
            copies.add(event); // sent again: now the run may have its verdict
            answer(collector, station.stationId, finished.get(), Verdict.ACCEPTED, null);
          }
        }
      });
      result = station.run("SN-GAP", "--wait-verdict", "--", "sh", "-c", "echo tested");
    }

    assertThat(result.exitCode()).as(result.err()).isEqualTo(AgentExitCodes.PASS);
    assertThat(copies).as("the heartbeat came again, the same event with its seq").hasSize(2);
    assertThat(copies.get(1).seq()).isEqualTo(copies.get(0).seq());
    assertThat(copies.get(1).occurredAt()).isEqualTo(copies.get(0).occurredAt());
  }

  private static void send(EventCollector collector, String topic, byte[] bytes) {
    // publishing from the callback thread would deadlock Paho: hand it over
    new Thread(() -> {
      try {
        collector.publish(topic, bytes);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).start();
  }

  private static void answer(EventCollector collector, String stationId, RunFinished f, Verdict verdict,
      String code) {
    ShopfloorVerdict v = new ShopfloorVerdict(f.runId(), f.serialNumber(), verdict, code, null, 1, 120L, "MES-1");
    byte[] bytes = EventJson.toBytes(Event.of(stationId, Ids.newId(), 0, Instant.now(), v));
    // publishing from the callback thread would deadlock Paho: hand it over
    new Thread(() -> {
      try {
        collector.publish(Topics.mqttTopic(stationId, Topics.Kind.VERDICT), bytes);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).start();
  }

  /** Plays the shopfloor-bridge: answers each run.finished on the station's verdict downlink. */
  private static TestStation.Result runAgainstShopfloor(MqttBroker broker, Path tmp, Verdict verdict, String code)
      throws Exception {
    TestStation station = new TestStation(tmp, broker, null);
    try (EventCollector shopfloor = new EventCollector(broker, station.stationId)) {
      shopfloor.onMessage((collector, received) -> {
        if (received.event().data() instanceof RunFinished f) {
          ShopfloorVerdict v = new ShopfloorVerdict(f.runId(), f.serialNumber(), verdict, code,
              code == null ? null : "unit is not at this route step", 1, 120L, "MES-1");
          byte[] bytes = EventJson.toBytes(Event.of(station.stationId, Ids.newId(), 0, Instant.now(), v));
          // publishing from the callback thread would deadlock Paho: hand it over
          new Thread(() -> {
            try {
              collector.publish(Topics.mqttTopic(station.stationId, Topics.Kind.VERDICT), bytes);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }).start();
        }
      });
      return station.run("SN-VERDICT", "--wait-verdict", "--", "sh", "-c", "echo tested");
    }
  }
}
