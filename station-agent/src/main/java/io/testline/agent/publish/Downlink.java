package io.testline.agent.publish;

import io.testline.schemas.EventJson;
import io.testline.schemas.SeqGap;
import io.testline.schemas.Topics;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the bridge sends down to this station, by topic: shopfloor verdicts to the {@link VerdictWaiter}, resend
 * requests (a sequence gap the bridge found, {@code testline/v1/<stationId>/resend}) to {@code onResend}. Runs on
 * the link's inbound thread; neither handler blocks. A request naming another station is ignored.
 */
public final class Downlink {
  private static final Logger log = LoggerFactory.getLogger(Downlink.class);

  private final String stationId;
  private final VerdictWaiter verdicts;
  private final Consumer<SeqGap> onResend;

  public Downlink(String stationId, VerdictWaiter verdicts, Consumer<SeqGap> onResend) {
    this.stationId = stationId;
    this.verdicts = verdicts;
    this.onResend = onResend;
  }

  /** The topics to subscribe to. */
  public List<String> topics() {
    return List.of(Topics.mqttTopic(stationId, Topics.Kind.VERDICT), Topics.mqttTopic(stationId, Topics.Kind.RESEND));
  }

  public void accept(String topic, byte[] payload) {
    if (!topic.equals(Topics.mqttTopic(stationId, Topics.Kind.RESEND))) {
      verdicts.accept(topic, payload);
      return;
    }
    SeqGap gap;
    try {
      gap = EventJson.parseSeqGap(payload);
    } catch (IllegalArgumentException e) {
      log.warn("ignoring an unreadable resend request on {}: {}", topic, e.getMessage());
      return;
    }
    if (!stationId.equals(gap.stationId()) || gap.filled()) {
      log.warn("ignoring a resend request on {} for station {} ({})", topic, gap.stationId(), gap.cause());
      return;
    }
    onResend.accept(gap);
  }
}
