package io.testline.web.view;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AttachmentViewTest {
  private static AttachmentView at(String path, Long size) {
    return new AttachmentView(0, "Scope", "rail.png", path, "image/png", size, null);
  }

  @Test
  void only_an_http_or_https_path_is_offered_as_a_link_never_a_station_path_or_another_scheme() {
    assertThat(at("https://files.plant/r/1.png", 1L).downloadUrl()).isEqualTo("https://files.plant/r/1.png");
    assertThat(at(" HTTP://files.plant/r/1.png", 1L).downloadUrl()).isEqualTo("HTTP://files.plant/r/1.png");
    assertThat(at("C:\\runs\\rail.png", 1L).downloadUrl()).isNull();
    assertThat(at("/var/lib/testline/rail.png", 1L).downloadUrl()).isNull();
    assertThat(at("javascript:alert(1)", 1L).downloadUrl()).isNull();
    assertThat(at("file:///etc/passwd", 1L).downloadUrl()).isNull();
    assertThat(at(null, 1L).downloadUrl()).isNull();
  }

  @Test
  void sizes_read_as_bytes_below_ten_kilobytes_and_in_decimal_units_above() {
    assertThat(at(null, null).size()).isEmpty();
    assertThat(at(null, 0L).size()).isEqualTo("0 B");
    assertThat(at(null, 9_999L).size()).isEqualTo("9999 B");
    assertThat(at(null, 123_456L).size()).isEqualTo("123.5 kB");
    assertThat(at(null, 5_000_000L).size()).isEqualTo("5.0 MB");
    assertThat(at(null, 7_300_000_000_000L).size()).isEqualTo("7.3 TB");
  }
}
