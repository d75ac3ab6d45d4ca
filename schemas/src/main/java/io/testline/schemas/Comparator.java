package io.testline.schemas;

/**
 * How a measured value is compared with its limits (TestStand's comparison types). Two-letter pairs name
 * the low then the high comparison, e.g. {@link #GELE}: low &lt;= value &lt;= high. {@link #LOG} only records.
 */
public enum Comparator {
  EQ, NE, GT, GE, LT, LE, GTLT, GELE, GELT, GTLE, LOG
}
