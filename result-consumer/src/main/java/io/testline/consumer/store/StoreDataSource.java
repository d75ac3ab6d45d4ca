package io.testline.consumer.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import javax.sql.DataSource;

/** Builds the connection pool the writer and the query API share. */
public final class StoreDataSource {
  private StoreDataSource() {}

  /**
   * A pool that does not fail at start when the database is down (the consumer waits for it like for any outage)
   * and rewrites batched inserts into multi-row inserts, which is most of the write throughput.
   */
  public static HikariDataSource create(String url, String user, String password, int poolSize,
      Duration connectTimeout) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("testline-results");
    config.setJdbcUrl(url);
    if (!user.isEmpty()) {
      config.setUsername(user);
    }
    if (!password.isEmpty()) {
      config.setPassword(password);
    }
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(Math.max(250, connectTimeout.toMillis()));
    config.setValidationTimeout(Math.max(250, Math.min(connectTimeout.toMillis(), 5_000)));
    config.setInitializationFailTimeout(-1);
    config.setAutoCommit(true);
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    config.addDataSourceProperty("connectTimeout", String.valueOf(Math.max(1, connectTimeout.toSeconds())));
    config.addDataSourceProperty("socketTimeout", "120");
    return new HikariDataSource(config);
  }

  /** Flyway's history table of this module, apart from the shopfloor ledger's in a shared database. */
  public static final String HISTORY_TABLE = "results_schema_history";

  /**
   * Applies the schema migrations under {@code db/migration/results}; safe to run at every start. Its own folder and
   * history table, because Flyway scans a location recursively and standalone mode has every module on one class
   * path and may share one database.
   */
  public static void migrate(DataSource dataSource) {
    migrate(dataSource, "latest");
  }

  /**
   * Applies the schema migrations up to {@code target} (a version such as {@code "23"}, or {@code "latest"}): for a
   * benchmark that seeds an older schema and then times the migrations that follow.
   */
  public static void migrate(DataSource dataSource, String target) {
    org.flywaydb.core.Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration/results")
        .table(HISTORY_TABLE)
        // a database shared with the shopfloor ledger is not empty: start our own history at version 0
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .target(target)
        .load()
        .migrate();
  }
}
