package io.testline.agent.journal;

/** Where a run is in its life, as the journal records it. */
public enum RunState {
  /** Started; its run.finished is not journaled yet. */
  ACTIVE,
  /** Its run.finished is journaled. */
  FINISHED
}
