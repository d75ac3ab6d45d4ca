package io.testline.login;

import java.time.Duration;

/**
 * A login attempt refused unchecked by {@link LoginThrottle}: the user name or the client address is locked out for
 * {@link #retryAfter()}. HTTP listeners answer it with 429 and {@link #retryAfterSeconds()} as {@code Retry-After}.
 * The message is safe to show: it never holds a secret.
 */
public final class LoginThrottled extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final Duration retryAfter;

  public LoginThrottled(String message, Duration retryAfter) {
    super(message);
    if (retryAfter == null || retryAfter.isNegative() || retryAfter.isZero()) {
      throw new IllegalArgumentException("retryAfter must be positive, was " + retryAfter);
    }
    this.retryAfter = retryAfter;
  }

  /** How long the lock-out still lasts. */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** The value of a {@code Retry-After} header: {@link #retryAfter()} in whole seconds, rounded up, at least 1. */
  public long retryAfterSeconds() {
    return LoginThrottle.retryAfterSeconds(retryAfter);
  }
}
