package io.testline.schemas;

/** The shopfloor's final answer to a run, as testline saw it. */
public enum Verdict {
  ACCEPTED,
  /** A business rejection (e.g. wrong route step), with the shopfloor's code; never retried. */
  REJECTED,
  /** testline gave up after its retry deadline; the run is listed for redrive. */
  DEAD
}
