package io.testline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * compose.yaml as plant IT needs it: every third-party image pinned to an exact release, so a pull next month runs
 * what was tested, and the monitoring UIs (Prometheus, Grafana) published on the host's loopback only.
 */
class ComposeHardeningIT {
  private static final Map<String, String> EXACT_TAG = Map.of(
      "eclipse-mosquitto", "2\\.0\\.\\d+", "apache/kafka", "\\d+\\.\\d+\\.\\d+", "postgres", "\\d+\\.\\d+",
      "prom/prometheus", "v\\d+\\.\\d+\\.\\d+", "grafana/grafana", "\\d+\\.\\d+\\.\\d+");

  @Test
  void third_party_images_are_pinned_and_monitoring_is_published_on_loopback_only() {
    Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    Map<String, Object> compose = ComposeFileIT.yaml(root.resolve("compose.yaml"));
    Map<String, Map<String, Object>> services = new TreeMap<>();
    ComposeFileIT.map(compose.get("services"), "services")
        .forEach((name, body) -> services.put(name, ComposeFileIT.map(body, name)));
    SoftAssertions soft = new SoftAssertions();
    int pinned = 0;
    for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
      String image = String.valueOf(s.getValue().get("image"));
      int colon = image.lastIndexOf(':');
      String name = colon < 0 ? image : image.substring(0, colon);
      if (EXACT_TAG.containsKey(name)) {
        pinned++;
        soft.assertThat(colon < 0 ? "" : image.substring(colon + 1)).as("service %s: image %s", s.getKey(), image)
            .matches(EXACT_TAG.get(name));
      }
      if (s.getKey().equals("prometheus") || s.getKey().equals("grafana")) {
        soft.assertThat(ComposeFileIT.list(s.getValue().get("ports"), s.getKey() + ".ports"))
            .as("service %s: ports", s.getKey()).isNotEmpty()
            .allSatisfy(p -> assertThat(String.valueOf(p)).startsWith("127.0.0.1:"));
      }
    }
    soft.assertThat(pinned).as("third-party images found").isEqualTo(EXACT_TAG.size());
    soft.assertAll();
  }
}
