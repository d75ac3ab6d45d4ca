package io.testline.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One answer of a {@link HealthCheck}: UP or DOWN and the facts behind it, in the order given. The JSON body is
 * {@code {"status":"UP"|"DOWN", ...details}}; the HTTP status is 200 when UP, else 503.
 */
public record HealthReport(boolean up, Map<String, Object> details) {

  public HealthReport {
    Objects.requireNonNull(details, "details");
    details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  public static HealthReport up(Map<String, Object> details) {
    return new HealthReport(true, details);
  }

  public static HealthReport down(Map<String, Object> details) {
    return new HealthReport(false, details);
  }

  /** The JSON body: {@code status} first, then the details. */
  public Map<String, Object> body() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", up ? "UP" : "DOWN");
    body.putAll(details);
    return body;
  }
}
