package io.testline.errors;

/** A failure testline code knows to be worth retrying. */
public class TransientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TransientException(String message) {
    super(message);
  }

  public TransientException(String message, Throwable cause) {
    super(message, cause);
  }
}
