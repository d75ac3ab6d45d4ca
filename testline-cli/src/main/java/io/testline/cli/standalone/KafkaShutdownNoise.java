package io.testline.cli.standalone;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops the one WARN that Kafka's own broker logs on every clean shutdown: its controller-registration channel is
 * closed twice inside {@code BrokerServer.shutdown()} ("Attempting to close NetworkClient that has already been
 * closed"). It is not about testline's clients and says nothing wrong; left in, it would make every clean stop of
 * standalone look like a failed one. Any other message of that logger passes. Installed by the distribution's
 * {@code conf/logback.xml}.
 */
public final class KafkaShutdownNoise extends TurboFilter {

  private static final String LOGGER = "org.apache.kafka.clients.NetworkClient";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
      Throwable t) {
    if (format != null && level == Level.WARN && LOGGER.equals(logger.getName())
        && format.startsWith("[NodeToControllerChannelManager ")
        && format.endsWith("Attempting to close NetworkClient that has already been closed.")) {
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }
}
