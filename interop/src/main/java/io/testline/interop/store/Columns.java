package io.testline.interop.store;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One stored row as it was read, column by column in the table's order: the values JDBC gives (text, numbers,
 * booleans, UUIDs), timestamps as {@link Instant}s and JSON columns as their {@link JsonText}. What the export model
 * ({@code RunRecord}) does not carry stays here for the query API (which answers every column) and the web pages.
 */
public final class Columns {
  /** A JSON column's text, to be parsed by whoever shows it. */
  public record JsonText(String text) {}

  private final Map<String, Object> values;

  private Columns(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  /** The current row of {@code rs} from its column {@code first} (1-based) on. */
  public static Columns read(ResultSet rs, int first) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = first; i <= md.getColumnCount(); i++) {
      String type = md.getColumnTypeName(i);
      Object value;
      if ("jsonb".equals(type) || "json".equals(type)) {
        String text = rs.getString(i);
        value = text == null ? null : new JsonText(text);
      } else if ("timestamptz".equals(type)) {
        OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
        value = t == null ? null : t.toInstant();
      } else {
        value = rs.getObject(i);
      }
      row.put(md.getColumnLabel(i), value);
    }
    return new Columns(row);
  }

  static Columns of(String[] names, Object[] values) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      row.put(names[i], values[i]);
    }
    return new Columns(row);
  }

  /** Every column by its name (snake_case, as in the table), in the order read; null values included. */
  public Map<String, Object> asMap() {
    return values;
  }

  public String text(String column) {
    return (String) value(column);
  }

  public Integer integer(String column) {
    return (Integer) value(column);
  }

  public Long longValue(String column) {
    Number n = (Number) value(column);
    return n == null ? null : n.longValue();
  }

  public Double number(String column) {
    return (Double) value(column);
  }

  public Boolean bool(String column) {
    return (Boolean) value(column);
  }

  public Instant instant(String column) {
    return (Instant) value(column);
  }

  /** A JSON column's text, null when the column is null. */
  public String json(String column) {
    JsonText j = (JsonText) value(column);
    return j == null ? null : j.text();
  }

  private Object value(String column) {
    if (!values.containsKey(column)) {
      throw new IllegalArgumentException("no column \"" + column + "\" among " + values.keySet());
    }
    return values.get(column);
  }
}
