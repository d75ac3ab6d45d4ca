package io.testline.agent.journal;

/** Whether the journal can take a new run, and if not, why, in words an operator can act on. */
public record Admission(boolean admitted, String reason) {
  static final Admission OK = new Admission(true, null);

  static Admission refused(String reason) {
    return new Admission(false, reason);
  }
}
