package io.testline.agent.forensics;

import io.testline.schemas.Crash;
import io.testline.schemas.CrashKind;
import io.testline.schemas.CrashSite;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the block Python's faulthandler writes to stderr when a Python program dies by SIGSEGV, SIGABRT, SIGBUS,
 * SIGFPE or SIGILL ({@code PYTHONFAULTHANDLER=1}):
 *
 * <pre>
 * Fatal Python error: Segmentation fault
 *
 * Current thread 0x00007f... (most recent call first):
 *   File "/opt/tests/psu.py", line 3 in read_rail
 *   File "/opt/tests/psu.py", line 9 in &lt;module&gt;
 * </pre>
 *
 * The crash site is the innermost frame (the first listed) of the current thread, the one that received the signal;
 * the traceback is the block from its {@code Fatal Python error} line on (every thread), bounded.
 */
final class PythonFaultHandler {
  static final String MARKER = "Fatal Python error: ";
  private static final Pattern CURRENT_THREAD = Pattern.compile("^Current thread 0x[0-9a-fA-F]+.*$",
      Pattern.MULTILINE);
  private static final Pattern ANY_THREAD = Pattern.compile("^(Current thread|Thread) 0x[0-9a-fA-F]+.*$|^Stack \\(",
      Pattern.MULTILINE);
  private static final Pattern FRAME = Pattern.compile("^\\s+File \"(.*)\", line (\\d+) in (.+)$",
      Pattern.MULTILINE);

  private PythonFaultHandler() {}

  /** The last faulthandler block in {@code stderr}, or empty when there is none. */
  static Optional<Crash> parse(String stderr, int maxChars) {
    int start = stderr.lastIndexOf(MARKER);
    if (start < 0 || (start > 0 && stderr.charAt(start - 1) != '\n')) {
      return Optional.empty();
    }
    String block = stderr.substring(start);
    Matcher current = CURRENT_THREAD.matcher(block);
    Matcher thread = current.find() ? current : ANY_THREAD.matcher(block);
    CrashSite site = null;
    if (thread == current || thread.find()) {
      Matcher frame = FRAME.matcher(block);
      if (frame.find(thread.end())) {
        site = new CrashSite(bounded(frame.group(1), CrashSite.MAX_FILE_CHARS), parseLine(frame.group(2)),
            bounded(frame.group(3).strip(), CrashSite.MAX_FUNCTION_CHARS));
      }
    }
    String reason = site == null ? "faulthandler printed no frame of the current thread" : null;
    return Optional.of(new Crash(CrashKind.PYTHON_TRACEBACK, site, reason, bounded(block, maxChars), null));
  }

  static Integer parseLine(String digits) {
    try {
      return Integer.valueOf(digits);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static String bounded(String text, int maxChars) {
    return text.length() <= maxChars ? text : text.substring(0, maxChars);
  }
}
