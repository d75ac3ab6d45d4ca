package io.testline.access;

import io.javalin.http.Context;
import io.testline.login.LoginThrottle;
import io.testline.login.LoginThrottled;
import java.time.Duration;

/**
 * A request refused for access: 401 (no or wrong credentials; {@link #challenge()} is the
 * {@code WWW-Authenticate} value to send), 403 (authenticated, but its role does not allow the action) or 429 (too
 * many failed logins, see {@link LoginThrottle}; {@link #retryAfter()} says when to try again). The message is safe
 * to show: it never holds a secret.
 */
public final class AccessDenied extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String challenge;
  private final Duration retryAfter;

  public AccessDenied(int status, String message, String challenge) {
    this(status, message, challenge, null);
  }

  private AccessDenied(int status, String message, String challenge, Duration retryAfter) {
    super(message);
    this.status = status;
    this.challenge = challenge;
    this.retryAfter = retryAfter;
  }

  /** 429: refused unchecked until {@code retryAfter} has passed. */
  public static AccessDenied throttled(String message, Duration retryAfter) {
    return new AccessDenied(429, message, null, retryAfter);
  }

  /** 429 for a {@link LoginThrottle} refusal, with its message and delay. */
  static AccessDenied throttled(LoginThrottled refused) {
    AccessDenied denied = throttled(refused.getMessage(), refused.retryAfter());
    denied.initCause(refused);
    return denied;
  }

  public int status() {
    return status;
  }

  /** The {@code WWW-Authenticate} header of a 401; null for a 403. */
  public String challenge() {
    return challenge;
  }

  /** How long a 429 lasts; null for the others. */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** Sets the response status and its headers ({@code WWW-Authenticate}, {@code Retry-After}); not the body. */
  public void applyTo(Context ctx) {
    ctx.status(status);
    if (challenge != null) {
      ctx.header("WWW-Authenticate", challenge);
    }
    if (retryAfter != null) {
      ctx.header("Retry-After", Long.toString(LoginThrottle.retryAfterSeconds(retryAfter)));
    }
  }
}
