package io.testline.shopfloor.adapter;

import io.testline.schemas.RunFinished;

/**
 * The one SPI between the bridge and a shopfloor (MES). An implementation submits one finished run and maps the
 * shopfloor's answer to a {@link SubmitResult}.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>the same run may be submitted more than once (after a timeout, a crash or a redrive): pass
 *       {@code run.runId()} to the shopfloor as an idempotency key so a repeat has no second effect;</li>
 *   <li>return, never throw, for anything the shopfloor or the network does; a thrown exception is treated as a
 *       transient failure and logged as a bug of the adapter;</li>
 *   <li>be thread-safe: the bridge calls {@code submit} from several workers at once (never twice at once for
 *       the same serial number);</li>
 *   <li>bound the call's duration with a timeout shorter than the dispatcher's lease.</li>
 * </ul>
 */
public interface ShopfloorAdapter extends AutoCloseable {

  /**
   * Submits {@code run}, finished on {@code stationId}, and returns the shopfloor's answer.
   *
   * @throws InterruptedException when the bridge is shutting down; nothing is recorded then
   */
  SubmitResult submit(RunFinished run, String stationId) throws InterruptedException;

  /** Releases the adapter's resources. Idempotent. */
  @Override
  default void close() {}
}
