package io.testline.consumer;

import io.testline.kafka.ConsumerLoop;
import io.testline.metrics.HealthCheck;
import io.testline.metrics.HealthReport;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** UP while the database answers and the consumer loop has not ended with a fatal error. */
final class ConsumerHealth implements HealthCheck {
  private static final Logger log = LoggerFactory.getLogger(ConsumerHealth.class);
  private final DataSource dataSource;
  private final ConsumerLoop loop;

  ConsumerHealth(DataSource dataSource, ConsumerLoop loop) {
    this.dataSource = dataSource;
    this.loop = loop;
  }

  @Override
  public HealthReport check() {
    boolean database;
    try (Connection c = dataSource.getConnection()) {
      database = c.isValid(2);
    } catch (SQLException e) {
      log.debug("health check: database unreachable", e);
      database = false;
    }
    boolean ingesting = loop.failure() == null;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("database", database ? "UP" : "DOWN");
    details.put("ingest", ingesting ? "UP" : "FAILED");
    return database && ingesting ? HealthReport.up(details) : HealthReport.down(details);
  }
}
