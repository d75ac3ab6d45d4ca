package io.testline.agent.journal;

/** The journal could not read or write its file; the cause says why (e.g. SQLITE_FULL when the disk is full). */
public class JournalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JournalException(String message, Throwable cause) {
    super(message, cause);
  }
}
