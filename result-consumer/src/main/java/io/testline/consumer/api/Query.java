package io.testline.consumer.api;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parameters of one request, read from the raw query string by rules stricter than the servlet container's,
 * which skips a malformed pair silently (so {@code serial=%zz} would list every run):
 * <ul>
 *   <li>{@code &}-separated {@code name=value} pairs, form-encoded: {@code +} is a space, {@code %XX} a byte; the
 *       bytes must be well-formed UTF-8 (no overlong forms, no surrogates);</li>
 *   <li>no control characters (U+0000 to U+001F, U+007F to U+009F) in a name or a value;</li>
 *   <li>only the endpoint's parameters, each at most once, none empty (to not filter, leave it out);</li>
 *   <li>a value holds at most {@link #MAX_VALUE} characters.</li>
 * </ul>
 * Every refusal is a {@link BadRequestException} naming the parameter.
 */
final class Query {
  static final int MAX_VALUE = 256;
  /** How much of a refused value an error message repeats. */
  private static final int ECHO = 40;

  private final Map<String, String> values;

  private Query(Map<String, String> values) {
    this.values = values;
  }

  /**
   * @param rawQuery the query string as the client sent it (still percent-encoded), or null
   * @param allowed  the endpoint's parameters; an endpoint that takes none passes an empty set and refuses any
   */
  static Query parse(String rawQuery, Set<String> allowed) {
    Map<String, String> values = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return new Query(values);
    }
    for (String pair : rawQuery.split("&", -1)) {
      if (pair.isEmpty()) {
        continue; // "a=1&&b=2", a trailing "&": nothing is lost by skipping an empty pair
      }
      int eq = pair.indexOf('=');
      String rawName = eq < 0 ? pair : pair.substring(0, eq);
      String rawValue = eq < 0 ? "" : pair.substring(eq + 1);
      String name = decode(rawName, null, "parameter name");
      if (!allowed.contains(name)) {
        throw new BadRequestException(name, "unknown parameter " + quote(name) + "; this endpoint takes "
            + (allowed.isEmpty() ? "no parameters" : new TreeSet<>(allowed)));
      }
      String value = decode(rawValue, name, name);
      if (values.containsKey(name)) {
        throw new BadRequestException(name, name + " is given more than once; give it once");
      }
      if (value.isEmpty()) {
        throw new BadRequestException(name, name + " is empty; leave the parameter out to not filter by it");
      }
      if (value.length() > MAX_VALUE) {
        throw new BadRequestException(name, name + " is longer than " + MAX_VALUE + " characters");
      }
      values.put(name, value);
    }
    return new Query(values);
  }

  /** The parameter's value, never empty; null when it is absent. */
  String get(String name) {
    return values.get(name);
  }

  /**
   * Decodes one form-encoded component strictly. {@code field} is the parameter the error names (null while the name
   * itself is being decoded: then the raw name, the best a client can recognise).
   */
  private static String decode(String raw, String field, String what) {
    String errorField = field == null ? raw : field;
    if (raw.length() > 3 * MAX_VALUE + 64) {
      throw new BadRequestException(errorField, what + " is longer than " + MAX_VALUE + " characters");
    }
    ByteBuffer bytes = ByteBuffer.allocate(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char ch = raw.charAt(i);
      if (ch == '%') {
        if (i + 2 >= raw.length() || !isAsciiHex(raw.charAt(i + 1)) || !isAsciiHex(raw.charAt(i + 2))) {
          throw new BadRequestException(errorField, what + ": malformed percent-encoding "
              + quote(raw.substring(i, Math.min(raw.length(), i + 3))) + " (a '%' must be followed by two hex digits;"
              + " send a literal '%' as %25)");
        }
        bytes.put((byte) (Character.digit(raw.charAt(i + 1), 16) << 4 | Character.digit(raw.charAt(i + 2), 16)));
        i += 2;
      } else if (ch == '+') {
        bytes.put((byte) ' ');
      } else if (ch < 0x80) {
        bytes.put((byte) ch);
      } else {
        // the container hands the raw query over as ISO-8859-1 or as decoded text; either way not an encoding
        throw new BadRequestException(errorField, what + ": characters outside ASCII must be percent-encoded UTF-8");
      }
    }
    bytes.flip();
    String text;
    try {
      CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
      CharBuffer chars = utf8.decode(bytes);
      text = chars.toString();
    } catch (CharacterCodingException e) {
      throw new BadRequestException(errorField, what + " is not valid UTF-8 once percent-decoded");
    }
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (Character.isISOControl(ch)) {
        throw new BadRequestException(errorField, what + " holds the control character U+"
            + String.format("%04X", (int) ch) + " at position " + i);
      }
    }
    return text;
  }

  private static boolean isAsciiHex(char ch) {
    return ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f' || ch >= 'A' && ch <= 'F';
  }

  /** A value for an error message: quoted, cut short, control characters escaped by JSON later. */
  static String quote(String value) {
    return "\"" + (value.length() > ECHO ? value.substring(0, ECHO) + "…" : value) + "\"";
  }
}
