package io.testline.agent.run;

/** A new run was refused before it started, e.g. because the journal or the disk is full. */
public class RunRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RunRefusedException(String message) {
    super(message);
  }
}
