package io.testline.consumer.api;

/** The request carries no valid credentials while the API requires them; answered with 401 and a JSON body. */
public final class UnauthorizedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnauthorizedException(String message) {
    super(message);
  }
}
