package io.testline.consumer.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.testline.interop.store.Columns;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns result rows into JSON-ready maps: snake_case columns become camelCase keys, jsonb becomes JSON, timestamps
 * become RFC 3339 instants. The API's field names are therefore the table's, in camelCase.
 */
final class Rows {
  private final ObjectMapper mapper;

  Rows(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  List<Map<String, Object>> all(ResultSet rs) throws SQLException {
    List<Map<String, Object>> out = new ArrayList<>();
    while (rs.next()) {
      out.add(one(rs));
    }
    return out;
  }

  Map<String, Object> one(ResultSet rs) throws SQLException {
    return of(Columns.read(rs, 1));
  }

  /** A row the interop loader read, as {@link #one} makes it. */
  Map<String, Object> of(Columns columns) {
    Map<String, Object> row = new LinkedHashMap<>();
    columns.asMap().forEach((column, value) -> row.put(camel(column),
        value instanceof Columns.JsonText json ? parse(json.text()) : value));
    return row;
  }

  private Object parse(String json) {
    try {
      return mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON does not parse: " + e.getOriginalMessage(), e);
    }
  }

  static String camel(String column) {
    StringBuilder sb = new StringBuilder(column.length());
    boolean up = false;
    for (char ch : column.toCharArray()) {
      if (ch == '_') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(ch) : ch);
        up = false;
      }
    }
    return sb.toString();
  }
}
