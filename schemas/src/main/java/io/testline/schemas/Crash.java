package io.testline.schemas;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;
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
 * @param minidumpFile the Windows minidump's name in the run directory, when one was kept
 * @param uploaded  the names of the files the agent uploads as {@link RunAttachment}s (the core, the minidump);
 *                  null when none is; {@code reason} says why a kept file is not uploaded
 */
public record Crash(CrashKind kind, CrashSite site, String reason, String traceback, String coreFile,
    String minidumpFile, List<String> uploaded) {
  /** The schema's bound on {@code traceback}. */
  public static final int MAX_TRACEBACK_CHARS = 65536;
  /** The schema's bound on {@code reason}. */
  public static final int MAX_REASON_CHARS = 8192;

  @JsonCreator
  public Crash {
    Objects.requireNonNull(kind, "kind");
    uploaded = Lists.copyOrNull(uploaded);
    if (traceback != null && traceback.length() > MAX_TRACEBACK_CHARS) {
      throw new IllegalArgumentException("traceback: longer than " + MAX_TRACEBACK_CHARS + " characters");
    }
    if (reason != null && reason.length() > MAX_REASON_CHARS) {
      throw new IllegalArgumentException("reason: longer than " + MAX_REASON_CHARS + " characters");
    }
  }

  /** A crash section without a minidump or uploads. */
  public Crash(CrashKind kind, CrashSite site, String reason, String traceback, String coreFile) {
    this(kind, site, reason, traceback, coreFile, null, null);
  }

  /** No evidence, and why. */
  public static Crash none(String reason) {
    return new Crash(CrashKind.NONE, null, reason, null, null);
  }

  /** This section with a kept minidump. */
  public Crash withMinidump(String minidumpFile) {
    return new Crash(kind, site, reason, traceback, coreFile, minidumpFile, uploaded);
  }

  /** This section with the files uploaded and the reason replaced (it may now say why one was not). */
  public Crash withUploads(List<String> uploaded, String reason) {
    return new Crash(kind, site, reason, traceback, coreFile, minidumpFile,
        uploaded == null || uploaded.isEmpty() ? null : uploaded);
  }
}
