package io.testline.text;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * testline's one rule for text PostgreSQL cannot hold. A station may send any string JSON can carry, but a
 * {@code text} or {@code jsonb} value cannot contain U+0000, and a lone UTF-16 surrogate (a JSON {@code \ud800}
 * without its pair) has no UTF-8 form at all: the driver would silently turn it into {@code ?}. Such a string is
 * stored twice:
 *
 * <ul>
 *   <li>{@linkplain #readable readably} in its own column: each U+0000 as U+2400 (␀, SYMBOL FOR NULL) and each lone
 *       surrogate as U+FFFD, everything else (other control characters, ANSI escapes, any valid character) as is;
 *   <li>{@linkplain #exactBase64 exactly} beside it, as base64 of the string's bytes: UTF-8, with a lone surrogate in
 *       its three-byte generalised form (WTF-8), so {@link #fromExactBase64} gives back the very string the station
 *       sent. For a log line this is the line's own {@code base64} field, which already holds the exact bytes of a
 *       line that was not valid UTF-8; in the result store, for any other column, the row's {@code originals}.
 * </ul>
 *
 * A string without U+0000 or lone surrogates is stored exactly as it is and has no original beside it. Every
 * service that puts station text into PostgreSQL applies this rule (pure JDK, no JDBC here).
 */
public final class StorableText {
  /** What U+0000 is stored as in the readable text. */
  public static final char NUL_SYMBOL = '\u2400';
  /** What a lone surrogate is stored as in the readable text. */
  public static final char REPLACEMENT = '\uFFFD';

  private StorableText() {}

  /** True when PostgreSQL can store {@code s} as it is (null counts as storable). */
  public static boolean isStorable(String s) {
    if (s == null) {
      return true;
    }
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c == 0) {
        return false;
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return false;
        }
      }
    }
    return true;
  }

  /** {@code s} with U+0000 as U+2400 and lone surrogates as U+FFFD; {@code s} itself when it is storable. */
  public static String readable(String s) {
    if (isStorable(s)) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c == 0) {
        out.append(NUL_SYMBOL);
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        out.append(REPLACEMENT);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Base64 of {@code s}'s bytes: UTF-8, a lone surrogate as its three-byte generalised form (WTF-8). */
  public static String exactBase64(String s) {
    return Base64.getEncoder().encodeToString(exactBytes(s));
  }

  /** The bytes {@link #exactBase64} encodes. */
  public static byte[] exactBytes(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 16);
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      int cp = c;
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        cp = Character.toCodePoint(c, s.charAt(++i));
      }
      if (cp < 0x80) {
        out.write(cp);
      } else if (cp < 0x800) {
        out.write(0xC0 | cp >> 6);
        out.write(0x80 | cp & 0x3F);
      } else if (cp < 0x10000) {
        // a lone surrogate lands here too: its generalised UTF-8 form
        out.write(0xE0 | cp >> 12);
        out.write(0x80 | cp >> 6 & 0x3F);
        out.write(0x80 | cp & 0x3F);
      } else {
        out.write(0xF0 | cp >> 18);
        out.write(0x80 | cp >> 12 & 0x3F);
        out.write(0x80 | cp >> 6 & 0x3F);
        out.write(0x80 | cp & 0x3F);
      }
    }
    return out.toByteArray();
  }

  /**
   * The string whose {@link #exactBase64} is {@code base64}. Bytes that are not (generalised) UTF-8, as in a log
   * line's base64 of a program's invalid output, decode to U+FFFD as {@link StandardCharsets#UTF_8} would.
   */
  public static String fromExactBase64(String base64) {
    byte[] b = Base64.getDecoder().decode(base64);
    StringBuilder out = new StringBuilder(b.length);
    int i = 0;
    while (i < b.length) {
      int b0 = b[i] & 0xFF;
      int len = b0 < 0x80 ? 1 : b0 >= 0xC2 && b0 < 0xE0 ? 2 : b0 >= 0xE0 && b0 < 0xF0 ? 3
          : b0 >= 0xF0 && b0 < 0xF5 ? 4 : 0;
      int cp = len == 1 ? b0 : len == 2 ? b0 & 0x1F : len == 3 ? b0 & 0x0F : b0 & 0x07;
      boolean ok = len > 0 && i + len <= b.length;
      for (int k = 1; ok && k < len; k++) {
        int bk = b[i + k] & 0xFF;
        ok = (bk & 0xC0) == 0x80;
        cp = cp << 6 | bk & 0x3F;
      }
      if (ok && (len == 3 && cp < 0x800 || len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
        ok = false; // overlong or out of range
      }
      if (!ok) {
        out.append(REPLACEMENT);
        i++;
        continue;
      }
      out.appendCodePoint(cp);
      i += len;
    }
    return out.toString();
  }
}
