package io.testline.bridge.gaps;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The gap detector's counters, {@code testline.bridge.seq.*}, shared by its parts. */
final class GapMetrics {
  final Counter read;
  final Counter gaps;
  final Counter missing;
  final Counter filled;
  final Counter duplicates;
  final Counter unreadable;
  final Counter writeRetries;
  final Counter resendRequests;
  final Counter resendRequestsFailed;

  GapMetrics(MeterRegistry registry) {
    this.read = Counter.builder("testline.bridge.seq.events")
        .description("station events the gap detector has read and tracked").register(registry);
    this.gaps = Counter.builder("testline.bridge.seq.gaps").description("sequence gaps detected")
        .register(registry);
    this.missing = Counter.builder("testline.bridge.seq.missing").description("events missing in detected gaps")
        .register(registry);
    this.filled = Counter.builder("testline.bridge.seq.gaps.filled")
        .description("gaps whose every event arrived later (the station sent them again)").register(registry);
    this.duplicates = Counter.builder("testline.bridge.seq.duplicates")
        .description("events seen in Kafka more than once (redeliveries)").register(registry);
    this.unreadable = Counter.builder("testline.bridge.seq.unreadable")
        .description("records without a readable stationId, agentSession and seq").register(registry);
    this.writeRetries = Counter.builder("testline.bridge.seq.gaps.write.retries")
        .description("attempts to write gap records that Kafka did not acknowledge").register(registry);
    this.resendRequests = Counter.builder("testline.bridge.seq.resend.requests")
        .description("gaps sent down to their station as a resend request").register(registry);
    this.resendRequestsFailed = Counter.builder("testline.bridge.seq.resend.requests.failed")
        .description("resend requests the MQTT broker did not acknowledge").register(registry);
  }
}
