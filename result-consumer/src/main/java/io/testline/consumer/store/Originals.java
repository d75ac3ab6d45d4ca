package io.testline.consumer.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.testline.schemas.EventJson;
import io.testline.text.StorableText;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Applies {@link StorableText}'s rule to the values of one row and collects what it changed: the row's
 * {@code originals} column, a JSON object from column name to {@link StorableText#exactBase64} of the value the
 * event carried, or null when every value was stored as it is (the common case, which costs one scan per value).
 *
 * <p>For a {@code jsonb} column the rule applies to every string and every field name inside the document, and the
 * original kept is the whole document's JSON text as the consumer wrote it. Not thread-safe; one per row.
 */
final class Originals {
  private Map<String, String> changed;

  /** {@code value} as it can be stored; remembers the exact original when it could not be stored as it is. */
  String text(String column, String value) {
    if (StorableText.isStorable(value)) {
      return value;
    }
    remember(column, value);
    return StorableText.readable(value);
  }

  /** {@code value} as storable JSON text (null for null); remembers the exact original JSON when it had to change. */
  String json(String column, Object value) {
    if (value == null) {
      return null;
    }
    String json = write(value);
    // Jackson writes U+0000 as the escape \u0000 and a lone surrogate as the raw char: only then look closer
    if (!json.contains("\\u0000") && !hasSurrogate(json)) {
      return json;
    }
    JsonNode tree = EventJson.mapper().valueToTree(value);
    JsonNode clean = clean(tree);
    if (clean == tree) {
      return json;
    }
    remember(column, json);
    return write(clean);
  }

  /** The {@code originals} column's value: null when nothing changed. */
  String toJson() {
    return changed == null ? null : write(changed);
  }

  private void remember(String column, String original) {
    if (changed == null) {
      changed = new LinkedHashMap<>();
    }
    changed.put(column, StorableText.exactBase64(original));
  }

  /** {@code node} with the rule applied to every string and field name; {@code node} itself when none changed. */
  static JsonNode clean(JsonNode node) {
    if (node.isTextual()) {
      String text = node.textValue();
      return StorableText.isStorable(text) ? node : TextNode.valueOf(StorableText.readable(text));
    }
    if (node.isArray()) {
      ArrayNode out = null;
      for (int i = 0; i < node.size(); i++) {
        JsonNode child = node.get(i);
        JsonNode cleaned = clean(child);
        if (cleaned != child && out == null) {
          out = JsonNodeFactory.instance.arrayNode(node.size());
          for (int k = 0; k < i; k++) {
            out.add(node.get(k));
          }
        }
        if (out != null) {
          out.add(cleaned);
        }
      }
      return out == null ? node : out;
    }
    if (node.isObject()) {
      boolean any = false;
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        String name = StorableText.readable(field.getKey());
        JsonNode cleaned = clean(field.getValue());
        any |= !name.equals(field.getKey()) || cleaned != field.getValue();
        out.set(name, cleaned);
      }
      return any ? out : node;
    }
    return node;
  }

  private static boolean hasSurrogate(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      if (Character.isSurrogate(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  static String write(Object value) {
    try {
      return EventJson.mapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }
}
