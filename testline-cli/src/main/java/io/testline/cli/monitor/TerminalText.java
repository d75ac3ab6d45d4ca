package io.testline.cli.monitor;

/**
 * Station-supplied text made safe to print on an operator's terminal. Anyone who can publish on a station's topic
 * chooses its serial numbers, step names and error messages; printed as they are, an ESC sequence could clear the
 * screen, move the cursor to forge other stations' lines, retitle the window or, on some terminals, answer back
 * into the shell. Every C0 and C1 control character (ESC, CR, LF, TAB, BEL, CSI U+009B, ...), DEL and the
 * bidirectional overrides that reorder what is shown become U+FFFD; long text is cut.
 */
final class TerminalText {
  static final char REPLACEMENT = '\uFFFD';
  static final int MAX_LENGTH = 200;

  private TerminalText() {}

  /** {@code text} with nothing a terminal would act on; null stays null. */
  static String safe(String text) {
    if (text == null) {
      return null;
    }
    String cut = text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH) + "…" : text;
    StringBuilder out = new StringBuilder(cut.length());
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      out.append(acts(c) ? REPLACEMENT : c);
    }
    return out.toString();
  }

  private static boolean acts(char c) {
    return c < 0x20 || c >= 0x7F && c <= 0x9F
        || c == '\u061C' || c == '\u200E' || c == '\u200F'
        || c >= '\u202A' && c <= '\u202E' || c >= '\u2066' && c <= '\u2069';
  }
}
