package io.testline.consumer.ingest;

import io.testline.errors.TransientException;

/** The batch could not be stored now (database or Kafka unreachable); nothing was committed, retry it all. */
public final class TransientStoreException extends TransientException {
  private static final long serialVersionUID = 1L;

  public TransientStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
