package io.testline.consumer.store;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one write did: events applied, events skipped as already processed, and rows written per table.
 */
public final class WriteStats {
  private int applied;
  private int duplicates;
  private final Map<String, Integer> rowsByTable = new TreeMap<>();

  void applied(int n) {
    applied += n;
  }

  void duplicates(int n) {
    duplicates += n;
  }

  void rows(String table, int n) {
    if (n > 0) {
      rowsByTable.merge(table, n, Integer::sum);
    }
  }

  /** Adds {@code other}'s numbers to this one. */
  public void add(WriteStats other) {
    applied += other.applied;
    duplicates += other.duplicates;
    other.rowsByTable.forEach((table, n) -> rowsByTable.merge(table, n, Integer::sum));
  }

  public int applied() {
    return applied;
  }

  public int duplicates() {
    return duplicates;
  }

  /** Rows submitted per table (inserted or updated). */
  public Map<String, Integer> rowsByTable() {
    return Map.copyOf(rowsByTable);
  }
}
