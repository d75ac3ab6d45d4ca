package io.testline.consumer.api;

/** A request parameter is missing or invalid; answered with 400 and a JSON body naming the field. */
public final class BadRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String field;

  public BadRequestException(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
