package io.testline.agent.openhtf;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testline.schemas.EventJson;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads an OpenHTF JSON test record as a tree, except the base64 {@code data} of each phase's attachments: that is
 * decoded while it is read, straight into a file of the {@link AttachmentStore}, so a 10 MB attachment costs no more
 * than a buffer; the rest, held as a tree, is bounded by {@link HeldBytes}. Torn or malformed JSON fails with {@link IllegalArgumentException} naming what was wrong.
 */
final class RecordReader {
  /** The record without its attachments' data, and the files that data went to: phase index to name to file. */
  record Parsed(ObjectNode root, Map<Integer, Map<String, AttachmentStore.Stored>> attachments) {}

  /** Reads one value inside the record; the record's own end is checked by {@link #read}. */
  /** Never closes the file: who opened it closes it, and may read on to its end. */
  private static final JsonFactory JSON = EventJson.mapper().getFactory().copy()
      .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
  private static final ObjectReader TREE = EventJson.mapper().reader()
      .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final AttachmentStore store;
  private final HeldBytes input;
  private final Map<Integer, Map<String, AttachmentStore.Stored>> stored = new HashMap<>();

  private RecordReader(AttachmentStore store, HeldBytes input) {
    this.store = store;
    this.input = input;
  }

  static Parsed read(InputStream in, AttachmentStore store) throws IOException {
    HeldBytes input = new HeldBytes(in);
    RecordReader reader = new RecordReader(store, input);
    try (JsonParser p = JSON.createParser(input)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not an OpenHTF test record: expected a JSON object");
      }
      ObjectNode root = EventJson.mapper().createObjectNode();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        root.set(field, field.equals("phases") && p.currentToken() == JsonToken.START_ARRAY
            ? reader.phases(p) : tree(p));
      }
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("not JSON: content after the test record's end");
      }
      return new Parsed(root, reader.stored);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage() + " at byte "
          + (e.getLocation() == null ? "?" : e.getLocation().getByteOffset()), e);
    }
  }

  private static JsonNode tree(JsonParser p) throws IOException {
    JsonNode node = TREE.readTree(p);
    return node == null ? NullNode.instance : node;
  }

  private ArrayNode phases(JsonParser p) throws IOException {
    ArrayNode phases = EventJson.mapper().createArrayNode();
    int index = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      phases.add(p.currentToken() == JsonToken.START_OBJECT ? phase(p, index) : tree(p));
      index++;
    }
    return phases;
  }

  private ObjectNode phase(JsonParser p, int index) throws IOException {
    ObjectNode phase = EventJson.mapper().createObjectNode();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      phase.set(field, field.equals("attachments") && p.currentToken() == JsonToken.START_OBJECT
          ? attachments(p, index) : tree(p));
    }
    return phase;
  }

  private ObjectNode attachments(JsonParser p, int phaseIndex) throws IOException {
    ObjectNode attachments = EventJson.mapper().createObjectNode();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if (p.currentToken() != JsonToken.START_OBJECT) {
        attachments.set(name, tree(p));
        continue;
      }
      ObjectNode attachment = EventJson.mapper().createObjectNode();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if (field.equals("data") && p.currentToken() == JsonToken.VALUE_STRING) {
          AttachmentStore.Stored file;
          input.streaming(true);
          try {
            file = store.write(phaseIndex, name, out -> p.readBinaryValue(out));
          } finally {
            input.streaming(false);
          }
          stored.computeIfAbsent(phaseIndex, i -> new HashMap<>()).put(name, file);
        } else {
          JsonNode value = tree(p);
          attachment.set(field, value);
        }
      }
      attachments.set(name, attachment);
    }
    return attachments;
  }
}
