package io.testline.shopfloor.dispatch;

import io.testline.retry.RetryPolicy;
import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.RunFinished;
import io.testline.schemas.Verdict;
import io.testline.shopfloor.adapter.SubmitResult;
import io.testline.shopfloor.ledger.Claim;
import io.testline.shopfloor.ledger.Ledger;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt of one claimed run: submit it through the guard and record what follows in the ledger — a verdict
 * (ACCEPTED, REJECTED, or DEAD past the retry deadline) or the time of the next attempt.
 *
 * <p>When the ledger cannot be written the claim is left as it is: its lease expires and the run is submitted
 * again, which the shopfloor answers from its idempotency record.
 */
final class SubmissionAttempt {
  static final String DEAD_CODE = "DEADLINE";
  static final String UNREADABLE_CODE = "UNREADABLE";
  private static final Logger log = LoggerFactory.getLogger(SubmissionAttempt.class);

  private final Ledger ledger;
  private final GuardedAdapter guard;
  private final RetryPolicy retry;
  private final Clock clock;
  private final DispatchListener listener;

  SubmissionAttempt(Ledger ledger, GuardedAdapter guard, RetryPolicy retry, Clock clock, DispatchListener listener) {
    this.ledger = ledger;
    this.guard = guard;
    this.retry = retry;
    this.clock = clock;
    this.listener = listener;
  }

  void run(Claim claim) {
    try {
      attempt(claim);
    } catch (SQLException | RuntimeException e) {
      log.error("could not record the attempt {} of run {}; it is retried when its lease ends", claim.attempts(),
          claim.runId(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      giveBack(claim);
    }
  }

  private void attempt(Claim claim) throws SQLException, InterruptedException {
    Event<RunFinished> event;
    try {
      event = EventJson.parse(claim.payload(), RunFinished.class);
    } catch (IllegalArgumentException e) {
      // the intake parsed it before: only a changed contract can get here, and retrying will not help
      log.error("run {} in the ledger is unreadable; it becomes DEAD", claim.runId(), e);
      verdict(claim, Verdict.DEAD, UNREADABLE_CODE, e.getMessage(), null, e.getMessage());
      return;
    }
    Guarded guarded = guard.submit(event.data(), event.stationId());
    if (guarded instanceof Guarded.NotSent notSent) {
      listener.heldBack(notSent.reason());
      ledger.release(claim, clock.instant().plus(notSent.retryIn()));
      return;
    }
    Guarded.Sent sent = (Guarded.Sent) guarded;
    listener.submitted(sent.result(), sent.latency());
    if (sent.result() instanceof SubmitResult.Accepted accepted) {
      verdict(claim, Verdict.ACCEPTED, null, null, accepted.reference(), null);
    } else if (sent.result() instanceof SubmitResult.Rejected rejected) {
      log.info("shopfloor rejected run {} of {}: {} {}", claim.runId(), claim.serialNumber(), rejected.code(),
          rejected.message());
      verdict(claim, Verdict.REJECTED, rejected.code(), rejected.message(), null, null);
    } else {
      retryLater(claim, ((SubmitResult.TransientFailure) sent.result()).reason());
    }
  }

  private void retryLater(Claim claim, String reason) throws SQLException {
    Instant now = clock.instant();
    Instant first = claim.firstAttemptAt() == null ? now : claim.firstAttemptAt();
    Optional<Instant> next = retry.nextAttemptAt(claim.attempts(), first, now, ThreadLocalRandom.current());
    if (next.isPresent()) {
      log.debug("retrying run {} at {} after attempt {}: {}", claim.runId(), next.get(), claim.attempts(), reason);
      if (!ledger.reschedule(claim, next.get(), reason, now)) {
        log.warn("run {} was claimed again while attempt {} ran; its outcome is dropped", claim.runId(),
            claim.attempts());
      }
      return;
    }
    log.warn("run {} of {} is DEAD after {} attempts: {}", claim.runId(), claim.serialNumber(), claim.attempts(),
        reason);
    verdict(claim, Verdict.DEAD, DEAD_CODE, "gave up after " + claim.attempts() + " attempts: " + reason, null,
        reason);
  }

  private void verdict(Claim claim, Verdict verdict, String code, String message, String reference,
      String lastError) throws SQLException {
    if (ledger.recordVerdict(claim, verdict, code, message, reference, lastError, clock.instant())) {
      listener.verdictRecorded(verdict);
    } else {
      log.warn("run {} was claimed again while attempt {} ran; its verdict {} is dropped", claim.runId(),
          claim.attempts(), verdict);
    }
  }

  /** Shutting down: hand the claim back so a restart need not wait for the lease. */
  private void giveBack(Claim claim) {
    try {
      ledger.release(claim, clock.instant());
    } catch (SQLException | RuntimeException e) {
      log.warn("could not give back run {} on shutdown; it is claimed again when its lease ends", claim.runId(), e);
    }
  }
}
