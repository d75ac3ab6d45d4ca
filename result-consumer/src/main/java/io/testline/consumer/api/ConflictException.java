package io.testline.consumer.api;

/** The resource exists but cannot be served as it is (an attachment not complete yet); answered with 409. */
public final class ConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConflictException(String message) {
    super(message);
  }
}
