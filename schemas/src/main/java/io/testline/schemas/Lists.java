package io.testline.schemas;

import java.util.List;
import java.util.Map;

/** Defensive, immutable copies that keep "absent" (null) apart from "empty", so documents round-trip unchanged. */
final class Lists {
  private Lists() {}

  static <T> List<T> copyOrNull(List<T> list) {
    return list == null ? null : List.copyOf(list);
  }

  static <K, V> Map<K, V> copyOrNull(Map<K, V> map) {
    return map == null ? null : Map.copyOf(map);
  }
}
