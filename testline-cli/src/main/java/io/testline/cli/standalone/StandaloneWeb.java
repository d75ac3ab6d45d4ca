package io.testline.cli.standalone;

import com.zaxxer.hikari.HikariDataSource;
import io.testline.consumer.store.StoreDataSource;
import io.testline.web.AuditSource;
import io.testline.web.WebConfig;
import io.testline.web.WebServer;
import io.testline.web.access.WebAccessConfig;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;

/**
 * Standalone's web interface: a small connection pool of its own on the result database (one connection stays
 * LISTENing for the live line) and the {@link WebServer} on loopback, linking its JSON downloads to the query API and
 * auditing from standalone's Kafka.
 */
final class StandaloneWeb implements AutoCloseable {
  private static final int POOL_SIZE = 4;

  private final HikariDataSource dataSource;
  private final WebServer server;

  private StandaloneWeb(HikariDataSource dataSource, WebServer server) {
    this.dataSource = dataSource;
    this.server = server;
  }

  static StandaloneWeb start(String jdbcUrl, String user, String password, int port, URI queryApi,
      AuditSource audit) {
    HikariDataSource dataSource = StoreDataSource.create(jdbcUrl, user, password, POOL_SIZE, Duration.ofSeconds(5));
    try {
      WebConfig config = new WebConfig(WebConfig.DEFAULT_HOST, port, ZoneId.systemDefault(),
          WebConfig.DEFAULT_SHIFTS, queryApi);
      return new StandaloneWeb(dataSource, new WebServer(dataSource, config, WebAccessConfig.none(), audit).start());
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  URI uri() {
    return server.uri();
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      dataSource.close();
    }
  }
}
