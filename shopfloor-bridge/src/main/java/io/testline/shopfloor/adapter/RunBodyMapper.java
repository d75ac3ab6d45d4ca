package io.testline.shopfloor.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testline.schemas.EventJson;
import io.testline.schemas.RunFinished;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Builds the shopfloor's request body from a run: each entry maps a shopfloor field name to a dotted path into the
 * run.finished contract ({@code serialNumber}, {@code program.name}, {@code counts.failed}...), plus the pseudo
 * field {@code stationId}. Paths that resolve to nothing are left out, so optional contract fields stay optional.
 */
final class RunBodyMapper {
  /** Contract names as they are: what the simulator reads. */
  static final Map<String, String> DEFAULT_FIELDS = defaults();

  private final Map<String, String> fields;

  RunBodyMapper(Map<String, String> fields) {
    this.fields = Map.copyOf(Objects.requireNonNull(fields, "fields"));
    this.fields.forEach((name, path) -> {
      if (name.isBlank() || path == null || path.isBlank()) {
        throw new IllegalArgumentException("fields: \"" + name + "\" -> \"" + path + "\" is not a mapping");
      }
    });
  }

  ObjectNode body(RunFinished run, String stationId) {
    JsonNode source = EventJson.toTree(run);
    ObjectNode body = EventJson.mapper().createObjectNode();
    for (Map.Entry<String, String> field : new TreeMap<>(fields).entrySet()) {
      JsonNode value = "stationId".equals(field.getValue())
          ? body.textNode(stationId)
          : resolve(source, field.getValue());
      if (value != null && !value.isMissingNode() && !value.isNull()) {
        body.set(field.getKey(), value);
      }
    }
    return body;
  }

  private static JsonNode resolve(JsonNode source, String path) {
    JsonNode node = source;
    for (String part : path.split("\\.")) {
      node = node.path(part);
    }
    return node;
  }

  private static Map<String, String> defaults() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String name : new String[] {"runId", "serialNumber", "units", "partNumber", "partRevision", "program",
        "operator", "workOrder", "attempt", "operation", "startedAt", "endedAt", "durationMs", "outcome",
        "errorCode", "failingStep", "counts", "steps"}) {
      m.put(name, name);
    }
    m.put("stationId", "stationId");
    return Map.copyOf(m);
  }
}
