package io.testline.shopfloor.simulator;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The route of each unit: an ordered list of operations and the unit's position on it. A result for the operation
 * the unit is at is accepted; a PASS moves the unit to the next operation, any other outcome keeps it there (a
 * retest). Units without a route accept any operation. Callers serialise access per unit.
 */
final class RouteBook {
  private final Map<String, List<String>> routes = new ConcurrentHashMap<>();
  private final Map<String, Integer> positions = new ConcurrentHashMap<>();

  void setRoute(String serialNumber, List<String> operations) {
    routes.put(serialNumber, List.copyOf(operations));
    positions.put(serialNumber, 0);
  }

  /** Empty when accepted (and the unit moved on); otherwise the rejection message. */
  Optional<String> check(String serialNumber, String operation, String outcome) {
    List<String> route = routes.get(serialNumber);
    if (route == null) {
      return Optional.empty();
    }
    int position = positions.getOrDefault(serialNumber, 0);
    if (position >= route.size()) {
      return Optional.of("unit " + serialNumber + " has completed its route; no result expected at " + operation);
    }
    String expected = route.get(position);
    if (!expected.equals(operation)) {
      return Optional.of("unit " + serialNumber + " is at " + expected + ", not at " + operation);
    }
    if ("PASS".equals(outcome)) {
      positions.put(serialNumber, position + 1);
    }
    return Optional.empty();
  }

  Optional<String> currentOperation(String serialNumber) {
    List<String> route = routes.get(serialNumber);
    int position = positions.getOrDefault(serialNumber, 0);
    return route == null || position >= route.size() ? Optional.empty() : Optional.of(route.get(position));
  }
}
