package io.testline.shopfloor.adapter;

import java.util.Objects;

/**
 * The shopfloor's answer to one submission: the three outcomes the bridge acts on differently. Accepted and Rejected
 * are final; a TransientFailure is retried from the ledger.
 */
public sealed interface SubmitResult {

  /** The shopfloor took the result; {@code reference} is its own id for it, null when it gives none. */
  record Accepted(String reference) implements SubmitResult {}

  /** A business rejection (e.g. wrong route step): never retried. */
  record Rejected(String code, String message) implements SubmitResult {
    public Rejected {
      Objects.requireNonNull(code, "code");
      message = message == null ? "" : message;
    }
  }

  /** Nothing is known to have happened (connect error, timeout, 5xx, 408, 429): retry later. */
  record TransientFailure(String reason) implements SubmitResult {
    public TransientFailure {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
