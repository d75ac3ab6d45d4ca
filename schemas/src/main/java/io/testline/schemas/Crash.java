package io.testline.schemas;

import java.util.Objects;

/**
 * Where a run's program crashed or hung, as the station agent found it after a CRASHED or TIMEOUT run: the kind of
 * evidence, the crash site, and the evidence itself (a Python traceback or a native backtrace, bounded), or, with
 * kind {@link CrashKind#NONE}, why there is none. Optional in {@link RunFinished}: absent for runs that neither
 * crashed nor timed out, and in payloads of agents older than the field.
 *
 * @param kind      which evidence was found
 * @param site      the innermost frame (of the crashing, or for a hang the main, thread); null when unknown
 * @param reason    why no (or only partial) evidence was kept, e.g. no core because of {@code core_pattern}
 * @param traceback the traceback or backtrace text, at most {@link #MAX_TRACEBACK_CHARS} characters
 * @param coreFile  the core file's name in the run directory, when one was kept
 */
public record Crash(CrashKind kind, CrashSite site, String reason, String traceback, String coreFile) {
  /** The schema's bound on {@code traceback}. */
  public static final int MAX_TRACEBACK_CHARS = 65536;
  /** The schema's bound on {@code reason}. */
  public static final int MAX_REASON_CHARS = 8192;

  public Crash {
    Objects.requireNonNull(kind, "kind");
    if (traceback != null && traceback.length() > MAX_TRACEBACK_CHARS) {
      throw new IllegalArgumentException("traceback: longer than " + MAX_TRACEBACK_CHARS + " characters");
    }
    if (reason != null && reason.length() > MAX_REASON_CHARS) {
      throw new IllegalArgumentException("reason: longer than " + MAX_REASON_CHARS + " characters");
    }
  }

  /** No evidence, and why. */
  public static Crash none(String reason) {
    return new Crash(CrashKind.NONE, null, reason, null, null);
  }
}
