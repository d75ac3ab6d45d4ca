package io.testline.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The example documents shipped under testline/examples, for tests. */
final class Examples {
  private Examples() {}

  static List<Path> all() {
    try (Stream<Path> files = Files.list(Path.of(Examples.class.getResource("/testline/examples").toURI()))) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("cannot list examples", e);
    }
  }

  static byte[] bytes(String name) {
    try (var in = Examples.class.getResourceAsStream("/testline/examples/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no example " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode tree(String name) {
    try {
      return (ObjectNode) EventJson.mapper().readTree(bytes(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] toBytes(JsonNode node) {
    try {
      return EventJson.mapper().writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
