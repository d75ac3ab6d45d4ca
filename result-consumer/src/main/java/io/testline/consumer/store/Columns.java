package io.testline.consumer.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The parameters of one multi-row statement, column by column: each column is bound as one array parameter and the
 * SQL {@code unnest}s them back into rows. One statement and one round trip per table and batch, however many rows,
 * where a batched insert is cut into many multi-row statements of at most 128 rows, each bound and parsed on its own.
 *
 * <p>Timestamps and JSON travel as text arrays, cast in the SQL; instants as ISO-8601 with their offset.
 */
final class Columns {
  enum Type {
    UUID("uuid", java.util.UUID.class), TEXT("text", String.class), INT("int4", Integer.class),
    BIGINT("int8", Long.class), DOUBLE("float8", Double.class), BOOL("bool", Boolean.class),
    /** an {@link Instant}, sent as text */
    TIME("text", String.class);

    final String pgName;
    final Class<?> javaType;

    Type(String pgName, Class<?> javaType) {
      this.pgName = pgName;
      this.javaType = javaType;
    }
  }

  private final Type[] types;
  private final List<List<Object>> columns = new ArrayList<>();
  private int rows;

  Columns(Type... types) {
    this.types = types.clone();
    for (int i = 0; i < types.length; i++) {
      columns.add(new ArrayList<>());
    }
  }

  /** Adds a row; {@code cells} in column order, nulls allowed, instants for {@link Type#TIME}. */
  void row(Object... cells) {
    if (cells.length != types.length) {
      throw new IllegalArgumentException("cells: expected " + types.length + ", got " + cells.length);
    }
    for (int i = 0; i < cells.length; i++) {
      Object cell = cells[i];
      if (types[i] == Type.TIME && cell != null) {
        cell = ((Instant) cell).toString();
      }
      if (cell != null && !types[i].javaType.isInstance(cell)) {
        throw new IllegalArgumentException("cells[" + i + "]: expected " + types[i].javaType.getSimpleName()
            + ", got " + cell.getClass().getSimpleName());
      }
      columns.get(i).add(cell);
    }
    rows++;
  }

  int size() {
    return rows;
  }

  /** Binds column i as parameter i + 1 of {@code ps}. */
  void bind(Connection c, PreparedStatement ps) throws SQLException {
    for (int i = 0; i < types.length; i++) {
      Object[] values = columns.get(i).toArray((Object[]) java.lang.reflect.Array.newInstance(types[i].javaType, 0));
      ps.setArray(i + 1, c.createArrayOf(types[i].pgName, values));
    }
  }

  /** Executes {@code sql} with the columns bound; returns the rows it changed. */
  int execute(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(c, ps);
      return ps.executeUpdate();
    }
  }
}
