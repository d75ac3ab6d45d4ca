package io.testline.consumer.ingest;

import io.testline.consumer.store.EventWriter;
import io.testline.consumer.store.StoredEvent;
import io.testline.consumer.store.WriteStats;
import io.testline.schemas.RunFinished;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores one poll batch: decodes the records, writes the events in one database transaction and hands records
 * that can never be stored to the dead-letter sink. When this returns, the batch's effect is durable and its
 * offsets may be committed.
 *
 * <p>A permanent failure of the batch transaction (a constraint, bad data) is narrowed down by writing the batch
 * again record by record, each under a savepoint of one transaction, so only the records that fail are
 * dead-lettered. A transient failure (database unreachable) is thrown as {@link TransientStoreException}: nothing
 * was committed and the caller retries the whole batch later. {@link #decode} is thread-safe, so the consumer loop
 * decodes the next batch while this one is stored; {@link #store} takes one batch at a time.
 */
public final class BatchProcessor {
  private static final Logger log = LoggerFactory.getLogger(BatchProcessor.class);

  private final DataSource dataSource;
  private final EventWriter writer;
  private final RecordDecoder decoder;
  private final DeadLetterSink deadLetters;
  private final IngestMetrics metrics;

  public BatchProcessor(DataSource dataSource, EventWriter writer, RecordDecoder decoder, DeadLetterSink deadLetters,
      IngestMetrics metrics) {
    this.dataSource = dataSource;
    this.writer = writer;
    this.decoder = decoder;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
  }

  /**
   * Stores {@code records} durably: {@link #decode} then {@link #store}.
   *
   * @throws TransientStoreException when the batch must be retried as a whole
   */
  public WriteStats process(List<ConsumerRecord<byte[], byte[]>> records) {
    return store(decode(records));
  }

  /** Decodes a poll batch; touches neither the database nor the dead-letter sink, so any thread may call it. */
  public DecodedBatch decode(List<ConsumerRecord<byte[], byte[]>> records) {
    List<Rejected> rejected = new ArrayList<>();
    List<Decoded> events = new ArrayList<>(records.size());
    for (ConsumerRecord<byte[], byte[]> record : records) {
      Decoded d = decoder.decode(record);
      if (d.isEvent()) {
        events.add(d);
      } else {
        rejected.add(new Rejected(record, "not a storable testline event: " + d.failure().getMessage(), d.failure()));
      }
    }
    return new DecodedBatch(records, events, rejected);
  }

  /**
   * Stores a decoded batch durably and dead-letters what can never be stored. One batch at a time.
   *
   * @throws TransientStoreException when the batch must be retried as a whole
   */
  public WriteStats store(DecodedBatch batch) {
    // the isolation pass adds the records that fail on their own; the batch itself stays as decoded for a retry
    List<Rejected> rejected = new ArrayList<>(batch.rejected());
    long started = System.nanoTime();
    WriteStats stats = store(batch.events(), rejected);
    metrics.batch(stats, java.time.Duration.ofNanos(System.nanoTime() - started));
    if (!rejected.isEmpty()) {
      try {
        deadLetters.publish(rejected);
      } catch (RuntimeException e) {
        metrics.transientError();
        throw new TransientStoreException("could not dead-letter " + rejected.size() + " records", e);
      }
      metrics.deadLettered(rejected.size());
    }
    return stats;
  }

  /**
   * A poll batch after decoding: every record, the events among them in order, and the records that are not
   * storable events.
   */
  public record DecodedBatch(List<ConsumerRecord<byte[], byte[]>> records, List<Decoded> events,
      List<Rejected> rejected) {
    public DecodedBatch {
      records = List.copyOf(records);
      events = List.copyOf(events);
      rejected = List.copyOf(rejected);
    }
  }

  private WriteStats store(List<Decoded> events, List<Rejected> rejected) {
    if (events.isEmpty()) {
      return new WriteStats();
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        WriteStats stats = writer.write(c, toStored(events));
        c.commit();
        return stats;
      } catch (SQLException | RuntimeException e) {
        rollback(c, e);
        if (isTransient(e, c)) {
          throw e;
        }
        log.warn("batch of {} events failed permanently ({}); storing them one by one to isolate the bad ones",
            events.size(), e.toString());
      }
      return isolate(c, events, rejected);
    } catch (TransientStoreException e) {
      throw e;
    } catch (SQLException | RuntimeException e) {
      metrics.transientError();
      throw new TransientStoreException("database unavailable: " + e.getMessage(), e);
    }
  }

  /** Writes each event under its own savepoint; those that fail permanently are rejected, the rest committed. */
  private WriteStats isolate(Connection c, List<Decoded> events, List<Rejected> rejected) throws SQLException {
    WriteStats total = new WriteStats();
    for (Decoded d : events) {
      Savepoint savepoint = c.setSavepoint();
      try {
        total.add(writer.write(c, toStored(List.of(d))));
        c.releaseSavepoint(savepoint);
      } catch (SQLException | RuntimeException e) {
        if (isTransient(e, c)) {
          rollback(c, e);
          throw e;
        }
        c.rollback(savepoint);
        if (d.event().data() instanceof RunFinished run) {
          // the shopfloor-bridge reads Kafka, not this database: the run may be accepted there all the same
          log.error("run {} of unit {} finished but cannot be stored; dead-lettered, the audit reports it as finished "
              + "but not stored: {}", run.runId(), run.serialNumber(), e.toString());
        }
        rejected.add(new Rejected(d.record(), "cannot be stored: " + e.getMessage(), e));
      }
    }
    c.commit();
    return total;
  }

  /** Transient by classification, or because the connection itself is gone, whatever the error said. */
  private static boolean isTransient(Exception e, Connection c) {
    if (StoreErrors.isTransient(e)) {
      return true;
    }
    try {
      return !c.isValid(2);
    } catch (SQLException invalid) {
      e.addSuppressed(invalid);
      return true;
    }
  }

  private static void rollback(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static List<StoredEvent> toStored(List<Decoded> decoded) {
    List<StoredEvent> out = new ArrayList<>(decoded.size());
    for (Decoded d : decoded) {
      out.add(new StoredEvent(d.event(), d.record().topic(), d.record().partition(), d.record().offset()));
    }
    return out;
  }
}
