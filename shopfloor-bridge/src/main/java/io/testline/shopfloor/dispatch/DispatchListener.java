package io.testline.shopfloor.dispatch;

import io.testline.schemas.Verdict;
import io.testline.shopfloor.adapter.SubmitResult;
import java.time.Duration;

/** What the dispatcher reports, for metrics and to wake the verdict publisher. Called on worker threads; quick. */
public interface DispatchListener {
  /** The shopfloor answered (or failed to) after {@code latency}. */
  default void submitted(SubmitResult result, Duration latency) {}

  /** A final verdict is in the ledger, waiting to be published. */
  default void verdictRecorded(Verdict verdict) {}

  /** A run was held back before sending (circuit open, rate limit). */
  default void heldBack(String reason) {}

  /** Fan-out to several listeners. */
  static DispatchListener of(DispatchListener... listeners) {
    return new DispatchListener() {
      @Override
      public void submitted(SubmitResult result, Duration latency) {
        for (DispatchListener l : listeners) {
          l.submitted(result, latency);
        }
      }

      @Override
      public void verdictRecorded(Verdict verdict) {
        for (DispatchListener l : listeners) {
          l.verdictRecorded(verdict);
        }
      }

      @Override
      public void heldBack(String reason) {
        for (DispatchListener l : listeners) {
          l.heldBack(reason);
        }
      }
    };
  }
}
