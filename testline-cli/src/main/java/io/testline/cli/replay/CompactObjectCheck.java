package io.testline.cli.replay;

import java.util.Arrays;

/**
 * A quick, allocation-free answer to "are these bytes exactly one JSON object on one line that the event mapper
 * reads?", for the common case only. {@link #certainly} answers true only for strict RFC 8259 JSON that any
 * conforming reader accepts: no line breaks, well-formed UTF-8, no duplicate names (the mapper refuses them), names
 * without escapes (so equal names are equal bytes), and sizes far below the reader's limits. Everything else answers
 * false, which means "not known": the caller then asks the real parser, so the export does not depend on this check.
 * Not thread-safe: one per writer.
 */
final class CompactObjectCheck {
  static final int MAX_LENGTH = 1 << 20;
  static final int MAX_DEPTH = 64;
  static final int MAX_NAMES = 256;
  static final int MAX_NAME_LENGTH = 1024;
  static final int MAX_NUMBER_LENGTH = 64;

  /** The names of the objects open on the path to the current position, to find duplicates. */
  private final int[] nameStart = new int[MAX_NAMES];
  private final int[] nameLength = new int[MAX_NAMES];
  private int names;
  private byte[] b;
  private int n;
  private int pos;

  /** True when {@code value} is certainly one JSON object on one line that a strict reader accepts. */
  boolean certainly(byte[] value) {
    if (value == null || value.length > MAX_LENGTH) {
      return false;
    }
    b = value;
    n = value.length;
    pos = 0;
    names = 0;
    try {
      space();
      if (pos >= n || b[pos] != '{' || !object(1)) {
        return false;
      }
      space();
      return pos == n;
    } finally {
      b = null;
    }
  }

  /** Spaces and tabs only: a line break anywhere means the value is not on one line. */
  private void space() {
    while (pos < n && (b[pos] == ' ' || b[pos] == '\t')) {
      pos++;
    }
  }

  private boolean value(int depth) {
    if (pos >= n) {
      return false;
    }
    switch (b[pos]) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        return string(false);
      case 't':
        return literal(TRUE);
      case 'f':
        return literal(FALSE);
      case 'n':
        return literal(NULL);
      default:
        return number();
    }
  }

  private boolean object(int depth) {
    if (depth > MAX_DEPTH) {
      return false;
    }
    int base = names;
    pos++;
    space();
    if (pos < n && b[pos] == '}') {
      pos++;
      return true;
    }
    while (true) {
      if (pos >= n || b[pos] != '"') {
        return false;
      }
      int start = pos + 1;
      if (!string(true)) {
        return false;
      }
      int length = pos - 1 - start;
      for (int i = base; i < names; i++) {
        if (nameLength[i] == length
            && Arrays.equals(b, nameStart[i], nameStart[i] + length, b, start, start + length)) {
          return false;
        }
      }
      if (names == MAX_NAMES) {
        return false;
      }
      nameStart[names] = start;
      nameLength[names] = length;
      names++;
      space();
      if (pos >= n || b[pos] != ':') {
        return false;
      }
      pos++;
      space();
      if (!value(depth)) {
        return false;
      }
      space();
      if (pos >= n) {
        return false;
      }
      if (b[pos] == ',') {
        pos++;
        space();
      } else if (b[pos] == '}') {
        pos++;
        names = base;
        return true;
      } else {
        return false;
      }
    }
  }

  private boolean array(int depth) {
    if (depth > MAX_DEPTH) {
      return false;
    }
    pos++;
    space();
    if (pos < n && b[pos] == ']') {
      pos++;
      return true;
    }
    while (true) {
      if (!value(depth)) {
        return false;
      }
      space();
      if (pos >= n) {
        return false;
      }
      if (b[pos] == ',') {
        pos++;
        space();
      } else if (b[pos] == ']') {
        pos++;
        return true;
      } else {
        return false;
      }
    }
  }

  /** At the opening quote; ends after the closing one. A name must be short and free of escapes. */
  private boolean string(boolean name) {
    byte[] b = this.b;
    int n = this.n;
    int start = pos + 1;
    int p = start;
    while (p < n) {
      byte c = b[p];
      // printable ASCII other than quote and backslash, the bulk of any event: as signed bytes, non-ASCII is < 0
      if (c >= 0x20 && c != '"' && c != '\\') {
        p++;
        continue;
      }
      if (c == '"') {
        pos = p + 1;
        return !name || p - start <= MAX_NAME_LENGTH;
      }
      pos = p;
      if (c == '\\') {
        if (name || !escape()) {
          return false;
        }
      } else if (c < 0) {
        if (!utf8(c & 0xff)) {
          return false;
        }
      } else {
        return false;
      }
      p = pos;
    }
    return false;
  }

  /** At a backslash: one of JSON's escapes, a {@code \\u} one not half of a surrogate pair. */
  private boolean escape() {
    if (pos + 1 >= n) {
      return false;
    }
    switch (b[pos + 1]) {
      case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
        pos += 2;
        return true;
      }
      case 'u' -> {
        if (pos + 5 >= n) {
          return false;
        }
        int code = 0;
        for (int i = pos + 2; i < pos + 6; i++) {
          int d = hex(b[i]);
          if (d < 0) {
            return false;
          }
          code = code << 4 | d;
        }
        pos += 6;
        return code < 0xD800 || code > 0xDFFF;
      }
      default -> {
        return false;
      }
    }
  }

  /** At a byte >= 0x80: one well-formed UTF-8 sequence (no overlong forms, no surrogates, at most U+10FFFF). */
  private boolean utf8(int c) {
    int more;
    int min;
    int code;
    if (c >= 0xC2 && c <= 0xDF) {
      more = 1;
      min = 0x80;
      code = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      more = 2;
      min = 0x800;
      code = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      more = 3;
      min = 0x10000;
      code = c & 0x07;
    } else {
      return false;
    }
    if (pos + more >= n) {
      return false;
    }
    for (int i = 1; i <= more; i++) {
      int next = b[pos + i] & 0xff;
      if ((next & 0xC0) != 0x80) {
        return false;
      }
      code = code << 6 | (next & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    pos += more + 1;
    return true;
  }

  /** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}, short. */
  private boolean number() {
    int start = pos;
    if (b[pos] == '-') {
      pos++;
    }
    if (pos >= n) {
      return false;
    }
    if (b[pos] == '0') {
      pos++;
    } else if (digit(b[pos])) {
      digits();
    } else {
      return false;
    }
    if (pos < n && b[pos] == '.') {
      pos++;
      if (pos >= n || !digit(b[pos])) {
        return false;
      }
      digits();
    }
    if (pos < n && (b[pos] == 'e' || b[pos] == 'E')) {
      pos++;
      if (pos < n && (b[pos] == '+' || b[pos] == '-')) {
        pos++;
      }
      if (pos >= n || !digit(b[pos])) {
        return false;
      }
      digits();
    }
    return pos - start <= MAX_NUMBER_LENGTH;
  }

  private void digits() {
    while (pos < n && digit(b[pos])) {
      pos++;
    }
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    } else if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static boolean digit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};

  private boolean literal(byte[] word) {
    if (pos + word.length > n || !Arrays.equals(b, pos, pos + word.length, word, 0, word.length)) {
      return false;
    }
    pos += word.length;
    return true;
  }
}
