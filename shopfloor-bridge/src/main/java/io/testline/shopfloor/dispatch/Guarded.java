package io.testline.shopfloor.dispatch;

import io.testline.shopfloor.adapter.SubmitResult;
import java.time.Duration;

/** What happened to one guarded submission: sent with the shopfloor's answer, or held back before sending. */
sealed interface Guarded {

  /** The adapter was called; {@code latency} is the duration of that call. */
  record Sent(SubmitResult result, Duration latency) implements Guarded {}

  /** Not sent (circuit open, rate limit): give the run back without counting an attempt. */
  record NotSent(String reason, Duration retryIn) implements Guarded {}
}
