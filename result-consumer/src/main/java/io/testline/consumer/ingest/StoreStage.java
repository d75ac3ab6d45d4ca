package io.testline.consumer.ingest;

import io.testline.kafka.ConsumerLoop;
import io.testline.kafka.PipelinedHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/**
 * The result consumer's work in the shared {@link ConsumerLoop}, pipelined one batch deep: the loop's thread decodes
 * batch N+1 while this stage's writer thread stores batch N in its database transaction; the loop commits N's
 * offsets once {@link BatchProcessor#store} returned, i.e. after the database commit. A
 * {@link TransientStoreException} fails the batch, which the loop rewinds and retries after a backoff; the loop
 * retries nothing else ({@link #retryable}). Nothing is stored before {@code storeAfter} completes (the schema
 * migration, run while the consumer joins its group); when it fails, storing fails and the loop ends.
 */
public final class StoreStage implements PipelinedHandler, AutoCloseable {
  private final BatchProcessor processor;
  private final IngestMetrics metrics;
  private final CompletableFuture<?> storeAfter;
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "result-consumer-writer"));

  public StoreStage(BatchProcessor processor, IngestMetrics metrics, CompletableFuture<?> storeAfter) {
    this.processor = processor;
    this.metrics = metrics;
    this.storeAfter = storeAfter;
  }

  /** The failures the loop tries again: the database was unreachable, nothing of the batch was committed. */
  public static boolean retryable(Throwable failure) {
    return failure instanceof TransientStoreException;
  }

  @Override
  public Batch prepare(ConsumerRecords<byte[], byte[]> records) {
    List<ConsumerRecord<byte[], byte[]>> list = new ArrayList<>(records.count());
    records.forEach(list::add);
    BatchProcessor.DecodedBatch decoded = processor.decode(list);
    return new Batch() {
      @Override
      public CompletableFuture<?> start() {
        return CompletableFuture.supplyAsync(() -> {
          storeAfter.join();
          return processor.store(decoded);
        }, writer);
      }

      @Override
      public void committed() {
        long now = System.currentTimeMillis();
        for (ConsumerRecord<byte[], byte[]> r : list) {
          metrics.committed(r.timestamp(), now);
        }
      }
    };
  }

  /** Stops the writer thread; close the loop first, which waits for the batch it stores. */
  @Override
  public void close() {
    writer.shutdown();
  }
}
