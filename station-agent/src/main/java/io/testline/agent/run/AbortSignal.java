package io.testline.agent.run;

import java.util.concurrent.atomic.AtomicReference;

/** Set by whoever stops a run from outside (the agent's SIGTERM/Ctrl-C hook); read by the run as it waits. */
public final class AbortSignal {
  private final AtomicReference<String> reason = new AtomicReference<>();

  /** Asks the run to stop; the first reason wins. */
  public void abort(String why) {
    reason.compareAndSet(null, why);
  }

  /** The reason, or null while not aborted. */
  public String reason() {
    return reason.get();
  }
}
