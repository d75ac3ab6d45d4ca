package io.testline.schemas.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testline.schemas.EventJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;

/** The payloads the validator benchmark checks: the shipped examples, and a run.log chunk of 100 lines. */
final class Payloads {
  private Payloads() {}

  static byte[] of(String name) {
    return switch (name) {
      case "run.started", "run.step", "run.finished" -> resource("testline/examples/" + name + ".json");
      case "run.log100" -> logChunk(100);
      default -> throw new IllegalArgumentException("payload: unknown \"" + name + "\"");
    };
  }

  /** The run.log example with {@code lines} lines of typical test-program output. */
  private static byte[] logChunk(int lines) {
    try {
      ObjectNode doc = (ObjectNode) EventJson.mapper().readTree(resource("testline/examples/run.log.json"));
      ObjectNode data = (ObjectNode) doc.get("data");
      ArrayNode array = data.putArray("lines");
      Instant at = Instant.parse("2026-11-22T06:04:10.101Z");
      long bytes = 0;
      for (int i = 0; i < lines; i++) {
        String text = "step " + (i / 10) + ": measured rail_3v3 = 3." + (280 + i % 40) + " V (limits 3.135 .. 3.465)";
        array.addObject().put("at", at.plusMillis(i * 7L).toString()).put("text", text);
        bytes += text.length() + 1;
      }
      data.put("bytes", bytes);
      return EventJson.mapper().writeValueAsBytes(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] resource(String path) {
    try (InputStream in = Payloads.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
