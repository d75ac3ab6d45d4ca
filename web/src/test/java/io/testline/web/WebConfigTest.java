package io.testline.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebConfigTest {
  @Test
  void defaults_to_loopback_on_8084() {
    WebConfig config = WebConfig.defaults();
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(8084);
    assertThat(config.apiBase()).isNull();
  }

  @Test
  void refuses_bad_values_naming_the_key_and_the_value() {
    assertThatThrownBy(() -> new WebConfig("127.0.0.1", 70_000, ZoneOffset.UTC, WebConfig.DEFAULT_SHIFTS, null))
        .hasMessage("web.port: 70000 is not a TCP port (0..65535)");
    assertThatThrownBy(() -> new WebConfig("127.0.0.1", 0, ZoneOffset.UTC, List.of(), null))
        .hasMessage("web.shiftStarts: at least one shift start is needed");
    assertThatThrownBy(() -> new WebConfig("127.0.0.1", 0, ZoneOffset.UTC, WebConfig.DEFAULT_SHIFTS,
        URI.create("http://api:8083"))).hasMessage("web.apiBase: \"http://api:8083\" must end with /");
  }
}
