package io.testline.agent.run;

import io.testline.agent.capture.CapturedLine;
import io.testline.schemas.LogLine;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Turns captured bytes into a log entry: UTF-8 text, and the exact bytes in base64 when they were not UTF-8. */
final class LogLines {
  private LogLines() {}

  static LogLine toLogLine(CapturedLine line) {
    byte[] bytes = line.bytes();
    if (isAscii(bytes)) {
      // most test output is ASCII: no decoder needed (a new one a line would be the capture's biggest cost)
      return new LogLine(line.at(), new String(bytes, StandardCharsets.US_ASCII), null,
          line.partial() ? Boolean.TRUE : null);
    }
    String text;
    String base64 = null;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      text = new String(bytes, StandardCharsets.UTF_8);
      base64 = Base64.getEncoder().encodeToString(bytes);
    }
    return new LogLine(line.at(), text, base64, line.partial() ? Boolean.TRUE : null);
  }

  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }
}
