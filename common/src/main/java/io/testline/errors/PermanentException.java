package io.testline.errors;

/** A failure testline code knows retrying cannot fix: the input or the request is wrong. */
public class PermanentException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PermanentException(String message) {
    super(message);
  }

  public PermanentException(String message, Throwable cause) {
    super(message, cause);
  }
}
