package io.testline.consumer.store;

import io.testline.brokers.Database;
import io.testline.schemas.Event;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Events written as the consumer writes a delivered batch: one transaction, offsets that only grow. */
final class Batches {
  private final EventWriter writer = new EventWriter();
  private long offset;

  void write(Database db, List<Event<?>> events) throws Exception {
    List<StoredEvent> stored = new ArrayList<>();
    for (Event<?> e : events) {
      stored.add(new StoredEvent(e, "t", 0, offset++));
    }
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      writer.write(c, stored);
      c.commit();
    }
  }

  /** The result store's schema, migrated to the newest version. */
  static void migrate(Database db) {
    try (var ds = StoreDataSource.create(db.jdbcUrl(), db.user(), db.password(), 2, Duration.ofSeconds(5))) {
      StoreDataSource.migrate(ds);
    }
  }
}
