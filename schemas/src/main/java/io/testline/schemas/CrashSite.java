package io.testline.schemas;

/**
 * A frame of a crash: source file, line and function, each null when the evidence does not name it (a native frame
 * without debug information has only a function).
 */
public record CrashSite(String file, Integer line, String function) {
  public static final int MAX_FILE_CHARS = 1024;
  public static final int MAX_FUNCTION_CHARS = 512;

  public CrashSite {
    if (line != null && line < 0) {
      throw new IllegalArgumentException("line: must be >= 0, was " + line);
    }
    if (file != null && file.length() > MAX_FILE_CHARS) {
      throw new IllegalArgumentException("file: longer than " + MAX_FILE_CHARS + " characters");
    }
    if (function != null && function.length() > MAX_FUNCTION_CHARS) {
      throw new IllegalArgumentException("function: longer than " + MAX_FUNCTION_CHARS + " characters");
    }
  }

  /** {@code file:line in function}, the text crashes are grouped by (and the {@code crashSite=} query matches). */
  public String key() {
    StringBuilder text = new StringBuilder();
    text.append(file == null ? "?" : file);
    if (line != null) {
      text.append(':').append(line);
    }
    if (function != null) {
      text.append(" in ").append(function);
    }
    return text.toString();
  }
}
