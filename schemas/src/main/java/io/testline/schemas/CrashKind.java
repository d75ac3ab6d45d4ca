package io.testline.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The kind of evidence in a {@link Crash}; written in lower case with dashes, e.g. {@code python-traceback}. */
public enum CrashKind {
  /** Python's faulthandler block from the program's stderr. */
  @JsonProperty("python-traceback")
  PYTHON_TRACEBACK,
  /** A native backtrace from gdb (of a core file, or of the live process before a timeout kill). */
  @JsonProperty("native-backtrace")
  NATIVE_BACKTRACE,
  /** A Windows minidump (WER LocalDumps). */
  @JsonProperty("minidump")
  MINIDUMP,
  /** Nothing was found; {@link Crash#reason()} says why. */
  @JsonProperty("none")
  NONE
}
