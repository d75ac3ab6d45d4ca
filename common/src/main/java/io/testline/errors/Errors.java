package io.testline.errors;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * The one transient/permanent classification of testline. It walks the cause chain and decides on the first
 * cause it recognises, outermost first, so a wrapper that knows better (e.g. {@link PermanentException} around an
 * I/O error) wins. Broker client exceptions are recognised by class name, so this module needs none of them:
 * Kafka's {@code RetriableException} family and its {@code TimeoutException} are transient, as is any exception
 * whose class name ends in {@code TimeoutException}. Anything unrecognised is permanent: an unknown failure is
 * dead-lettered and looked at rather than retried forever.
 */
public final class Errors {
  private static final String KAFKA_RETRIABLE = "org.apache.kafka.common.errors.RetriableException";
  private static final String KAFKA_INVALID_PID = "org.apache.kafka.common.errors.InvalidPidMappingException";

  private Errors() {}

  public static ErrorKind classify(Throwable failure) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      ErrorKind kind = classifyOne(t);
      if (kind != null) {
        return kind;
      }
    }
    return ErrorKind.PERMANENT;
  }

  public static boolean isTransient(Throwable failure) {
    return classify(failure) == ErrorKind.TRANSIENT;
  }

  /** HTTP status codes: 5xx, 408 and 429 are transient; any other 4xx is a rejection. */
  public static ErrorKind classifyHttpStatus(int status) {
    if (status >= 500 || status == 408 || status == 429) {
      return ErrorKind.TRANSIENT;
    }
    if (status >= 400) {
      return ErrorKind.PERMANENT;
    }
    throw new IllegalArgumentException("status: " + status + " is not an error status");
  }

  /**
   * SQLState classes: 08 (connection), 40 (rollback: serialization failure, deadlock), 53 (insufficient
   * resources), 57P (operator intervention: shutdown) and 58 (system I/O) are transient; 23 (constraint), 28
   * (authorization), 22 (data) and 42 (syntax, undefined object) are permanent.
   */
  public static ErrorKind classifySqlState(String sqlState) {
    if (sqlState == null || sqlState.length() < 2) {
      return null;
    }
    String sqlClass = sqlState.substring(0, 2);
    switch (sqlClass) {
      case "08", "40", "53", "58":
        return ErrorKind.TRANSIENT;
      case "57":
        return sqlState.startsWith("57P") ? ErrorKind.TRANSIENT : ErrorKind.PERMANENT;
      case "22", "23", "28", "42":
        return ErrorKind.PERMANENT;
      default:
        return null;
    }
  }

  private static ErrorKind classifyOne(Throwable t) {
    if (t instanceof TransientException) {
      return ErrorKind.TRANSIENT;
    }
    if (t instanceof PermanentException) {
      return ErrorKind.PERMANENT;
    }
    if (t instanceof SQLException sql) {
      ErrorKind kind = classifySqlState(sql.getSQLState());
      if (kind != null) {
        return kind;
      }
      return null;
    }
    if (t instanceof TimeoutException || t instanceof HttpTimeoutException) {
      return ErrorKind.TRANSIENT;
    }
    if (hasSuperclassNamed(t, KAFKA_INVALID_PID) || hasSuperclassNamed(t, KAFKA_RETRIABLE)) {
      return ErrorKind.TRANSIENT;
    }
    if (t.getClass().getSimpleName().endsWith("TimeoutException")) {
      return ErrorKind.TRANSIENT;
    }
    if (t instanceof IOException) {
      return ErrorKind.TRANSIENT;
    }
    return null;
  }

  private static boolean hasSuperclassNamed(Throwable t, String className) {
    for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
      if (c.getName().equals(className)) {
        return true;
      }
    }
    return false;
  }
}
