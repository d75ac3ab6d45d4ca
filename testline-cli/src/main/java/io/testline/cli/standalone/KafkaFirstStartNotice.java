package io.testline.cli.standalone;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Keeps off the terminal the WARN that Kafka's embedded controller logs when it starts on an empty data folder
 * ("Performing controller activation. The metadata log appears to be empty. ..."): it is how every first start of
 * standalone or the demo begins and asks nothing of the user. The log file still has it. Installed on the terminal
 * appender of the distribution's {@code conf/logback-service.xml}.
 */
public final class KafkaFirstStartNotice extends Filter<ILoggingEvent> {
  private static final String LOGGER = "org.apache.kafka.controller.QuorumController";

  @Override
  public FilterReply decide(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    if (LOGGER.equals(event.getLoggerName()) && message != null
        && message.contains("Performing controller activation. The metadata log appears to be empty.")) {
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }
}
