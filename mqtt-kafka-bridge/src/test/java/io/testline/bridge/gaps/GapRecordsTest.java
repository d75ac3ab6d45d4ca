package io.testline.bridge.gaps;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.testline.schemas.EventJson;
import io.testline.schemas.Ids;
import io.testline.schemas.SeqGap;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** Gap records are written until Kafka acknowledges them, and only then counted and sent down to the station. */
class GapRecordsTest {
  private static final String TOPIC = "testline.seq-gaps";
  private final Instant t0 = Instant.parse("2026-11-22T06:00:00Z");
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final GapMetrics metrics = new GapMetrics(new SimpleMeterRegistry());
  private final List<String> resendTopics = new CopyOnWriteArrayList<>();
  private final List<SeqGap> resent = new CopyOnWriteArrayList<>();
  private final GapRecords records = new GapRecords(producer, TOPIC, (topic, payload) -> {
    resendTopics.add(topic);
    resent.add(EventJson.parseSeqGap(payload));
    return CompletableFuture.completedFuture(null);
  }, metrics);
  private final SeqGap gap = new SeqGap("ST-1", Ids.newId(), 2, 4, t0, SeqGap.TIMEOUT);

  @Test
  void a_gap_is_counted_and_sent_down_to_its_station_only_once_kafka_acknowledged_its_record() {
    records.add(List.of(gap));
    records.writeUnwritten(t0);
    assertThat(producer.history()).singleElement().satisfies(r -> {
      assertThat(r.topic()).isEqualTo(TOPIC);
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("ST-1");
      assertThat(EventJson.parseSeqGap(r.value())).isEqualTo(gap);
    });
    records.writeUnwritten(t0.plusSeconds(60));
    assertThat(producer.history()).as("a record under way is not sent again").hasSize(1);
    assertThat(records.hasUnwritten()).isTrue();
    assertThat(metrics.gaps.count()).isZero();
    assertThat(resent).isEmpty();

    producer.completeNext();
    records.writeUnwritten(t0.plusSeconds(61));
    assertThat(records.hasUnwritten()).isFalse();
    assertThat(metrics.gaps.count()).isEqualTo(1);
    assertThat(metrics.missing.count()).isEqualTo(3);
    assertThat(resent).containsExactly(gap);
    assertThat(resendTopics).containsExactly("testline/v1/ST-1/resend");
    assertThat(metrics.resendRequests.count()).isEqualTo(1);
  }

  @Test
  void a_record_kafka_did_not_take_is_sent_again_at_once_and_then_after_a_backoff() {
    records.add(List.of(gap));
    records.writeUnwritten(t0);
    producer.errorNext(new NetworkException("broker down"));
    records.writeUnwritten(t0);
    assertThat(metrics.writeRetries.count()).isEqualTo(1);
    assertThat(producer.history()).as("the first failure is sent again at once").hasSize(2);

    producer.errorNext(new NetworkException("broker still down"));
    records.writeUnwritten(t0);
    assertThat(metrics.writeRetries.count()).isEqualTo(2);
    assertThat(producer.history()).as("not before the backoff").hasSize(2);
    assertThat(metrics.gaps.count()).isZero();

    records.writeUnwritten(t0.plusSeconds(5));
    assertThat(producer.history()).hasSize(3);
    producer.completeNext();
    records.writeUnwritten(t0.plusSeconds(5));
    assertThat(records.hasUnwritten()).isFalse();
    assertThat(metrics.gaps.count()).isEqualTo(1);
  }

  @Test
  void a_filled_gap_is_counted_as_filled_and_not_requested() {
    records.add(List.of(new SeqGap("ST-1", gap.agentSession(), 2, 4, t0, SeqGap.FILLED)));
    records.writeUnwritten(t0);
    producer.completeNext();
    records.writeUnwritten(t0);
    assertThat(metrics.filled.count()).isEqualTo(1);
    assertThat(metrics.gaps.count()).isZero();
    assertThat(resent).isEmpty();
  }
}
