package io.testline.web.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebAccessTest {
  @Test
  void after_login_it_goes_only_to_a_path_of_this_site() {
    assertThat(WebAccess.safeNext("/runs?station=FCT-1&outcome=FAIL")).isEqualTo("/runs?station=FCT-1&outcome=FAIL");
    assertThat(WebAccess.safeNext(null)).isEqualTo("/");
    for (String elsewhere : new String[] {"//evil.example/x", "/\\evil.example", "https://evil.example/",
        "evil.example", "/runs\r\nSet-Cookie: x=1", "javascript:alert(1)"}) {
      assertThat(WebAccess.safeNext(elsewhere)).as(elsewhere).isEqualTo("/");
    }
  }
}
