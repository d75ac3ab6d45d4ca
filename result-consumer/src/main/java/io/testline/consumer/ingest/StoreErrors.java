package io.testline.consumer.ingest;

import io.testline.errors.ErrorKind;
import io.testline.errors.Errors;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * testline's shared classification, plus the JDBC exception types that say "try again" without a SQLState: the
 * pool's "connection not available" timeout carries none, and classifying it as permanent would dead-letter good
 * records during an outage.
 */
final class StoreErrors {
  private StoreErrors() {}

  static boolean isTransient(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
        return true;
      }
    }
    return Errors.classify(failure) == ErrorKind.TRANSIENT;
  }
}
