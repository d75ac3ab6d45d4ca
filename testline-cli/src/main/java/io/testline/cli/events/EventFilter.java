package io.testline.cli.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Set;

/**
 * Which events a reader keeps, judged on the JSON envelope: {@code stationId}, {@code data.serialNumber}, the type
 * of {@code schema} ({@code run.finished} of {@code testline.run.finished/1}) and {@code data.outcome}. A null or
 * empty criterion keeps everything; a document that is not an event object passes only a filter with no criteria.
 */
public record EventFilter(String station, String serial, Set<String> types, Set<String> outcomes) {
  /** Keeps every record. */
  public static final EventFilter ALL = new EventFilter(null, null, Set.of(), Set.of());

  public EventFilter {
    types = types == null ? Set.of() : Set.copyOf(types);
    outcomes = outcomes == null ? Set.of() : Set.copyOf(outcomes);
  }

  /** Station and serial number only, as replay filters. */
  public static EventFilter of(String station, String serial) {
    return new EventFilter(station, serial, Set.of(), Set.of());
  }

  /** Whether any criterion is set, so a reader parses a record's value only when it must. */
  public boolean hasCriteria() {
    return station != null || serial != null || !types.isEmpty() || !outcomes.isEmpty();
  }

  /** Whether {@code event} (null when the value is not JSON) passes. */
  public boolean matches(JsonNode event) {
    if (!hasCriteria()) {
      return true;
    }
    if (event == null || !event.isObject()) {
      return false;
    }
    JsonNode data = event.path("data");
    return (station == null || station.equals(event.path("stationId").asText(null)))
        && (serial == null || serial.equals(data.path("serialNumber").asText(null)))
        && (types.isEmpty() || types.contains(typeOf(event.path("schema").asText(""))))
        && (outcomes.isEmpty() || outcomes.contains(data.path("outcome").asText("").toUpperCase(Locale.ROOT)));
  }

  /** {@code run.finished} of {@code testline.run.finished/1}; the text itself when it is not of that form. */
  public static String typeOf(String schema) {
    String s = schema.startsWith("testline.") ? schema.substring("testline.".length()) : schema;
    int slash = s.indexOf('/');
    return slash < 0 ? s : s.substring(0, slash);
  }
}
