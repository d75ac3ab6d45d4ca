package io.testline.consumer;

import io.testline.consumer.ingest.DeadLetterSink;
import io.testline.consumer.ingest.Rejected;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter sink of a rebuild: the live consumer already dead-lettered these records once, so a replay only
 * logs them instead of writing them to the dead-letter topic a second time.
 */
final class LoggingDeadLetterSink implements DeadLetterSink {
  private static final Logger log = LoggerFactory.getLogger(LoggingDeadLetterSink.class);

  @Override
  public void publish(List<Rejected> rejected) {
    for (Rejected r : rejected) {
      log.warn("rebuild skipped unstorable record {}-{}@{}: {}", r.record().topic(), r.record().partition(),
          r.record().offset(), r.detail());
    }
  }

  @Override
  public void close() {
    // holds no resources
  }
}
