package io.testline.interop.junit;

/**
 * Text any XML 1.0 parser accepts and gives back as it was. Characters XML 1.0 forbids even as references (C0
 * controls other than tab, newline and return; U+FFFE, U+FFFF; lone surrogates) would make the document
 * unreadable: a control becomes its Unicode control picture (U+0001 as U+2401, as the store already shows U+0000
 * as U+2400), anything else U+FFFD. Then markup is escaped, and the whitespace a parser would normalize is
 * written as character references ({@link #text}, {@link #attribute}).
 */
final class XmlText {
  private XmlText() {}

  /**
   * Character data, escaped for a writer that does not escape: markup as entities, and a carriage return as a
   * character reference, since a parser turns a raw one (and CRLF) into a newline.
   */
  static String text(String s) {
    return escape(of(s), false);
  }

  /**
   * An attribute value, escaped for a writer that does not escape: markup and quotes as entities, and tab, newline
   * and carriage return as character references, since a parser turns raw ones into spaces (attribute value
   * normalization, XML 1.0 section 3.3.3), which would change a name or a message.
   */
  static String attribute(String s) {
    return escape(of(s), true);
  }

  private static String escape(String s, boolean attribute) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '\r' -> out.append("&#13;");
        case '"' -> out.append(attribute ? "&quot;" : "\"");
        case '\t' -> out.append(attribute ? "&#9;" : "\t");
        case '\n' -> out.append(attribute ? "&#10;" : "\n");
        default -> out.append(ch);
      }
    }
    return out.toString();
  }

  static String of(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      String replacement = null;
      if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        if (out != null) {
          out.append(ch).append(s.charAt(i + 1));
        }
        i++;
        continue;
      }
      if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') {
        replacement = String.valueOf((char) (0x2400 + ch));
      } else if (Character.isSurrogate(ch) || ch == 0xFFFE || ch == 0xFFFF) {
        replacement = "\uFFFD";
      }
      if (replacement != null && out == null) {
        out = new StringBuilder(s.length() + 8).append(s, 0, i);
      }
      if (out != null) {
        out.append(replacement != null ? replacement : String.valueOf(ch));
      }
    }
    return out == null ? s : out.toString();
  }
}
