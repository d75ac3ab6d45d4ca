package io.testline.consumer.api;

/** The addressed resource does not exist; answered with 404 and a JSON body. */
public final class NotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message) {
    super(message);
  }
}
