package io.testline.access;

/**
 * A request refused for access: 401 (no or wrong credentials; {@link #challenge()} is the
 * {@code WWW-Authenticate} value to send) or 403 (authenticated, but its role does not allow the action). The
 * message is safe to show: it never holds a secret.
 */
public final class AccessDenied extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String challenge;

  public AccessDenied(int status, String message, String challenge) {
    super(message);
    this.status = status;
    this.challenge = challenge;
  }

  public int status() {
    return status;
  }

  /** The {@code WWW-Authenticate} header of a 401; null for a 403. */
  public String challenge() {
    return challenge;
  }
}
