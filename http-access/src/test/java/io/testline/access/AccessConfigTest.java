package io.testline.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.testline.config.ConfigException;
import io.testline.config.ConfigSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccessConfigTest {
  static final String ALICE_HASH = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, "alice-pw".toCharArray());
  static final String BOB_HASH = BCrypt.withDefaults().hashToString(4, "bob-pw".toCharArray());

  @Test
  void reads_users_in_htpasswd_form_from_a_list_or_one_multi_line_value_and_makes_only_admins_admin() {
    AccessConfig fromList = AccessConfig.load(ConfigSource.of(Map.of(
        "web.users", List.of("alice:" + ALICE_HASH, "bob:" + BOB_HASH), "web.admins", List.of("alice"))), "web");
    AccessConfig fromText = AccessConfig.load(ConfigSource.of(Map.of(
        "web.users", "# htpasswd file\nalice:" + ALICE_HASH + "\n\nbob:" + BOB_HASH + "\n", "web.admins", "alice")),
        "web");
    for (AccessConfig c : List.of(fromList, fromText)) {
      assertThat(c.passwordHashes()).containsOnlyKeys("alice", "bob");
      assertThat(c.configured()).isTrue();
      Authenticator auth = new Authenticator(c);
      assertThat(auth.principal("alice")).contains(new Principal("alice", Role.ADMIN));
      assertThat(auth.principal("bob")).contains(new Principal("bob", Role.VIEWER));
    }
  }

  @Test
  void nothing_configured_is_not_configured() {
    assertThat(AccessConfig.load(ConfigSource.of(Map.of()), "http").configured()).isFalse();
  }

  @Test
  void refuses_bad_values_naming_the_key_and_never_echoes_a_secret() {
    assertThatThrownBy(() -> AccessConfig.load(ConfigSource.of(Map.of("http.authToken", "short-secret")), "http"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("http.authToken: must be at least 16")
        .hasMessageNotContaining("short-secret");
    assertThatThrownBy(() -> AccessConfig.load(ConfigSource.of(Map.of("web.users", "carol:plaintext-pw")), "web"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("web.users: the password of user \"carol\"")
        .hasMessageNotContaining("plaintext-pw");
    assertThatThrownBy(() -> AccessConfig.load(ConfigSource.of(Map.of("web.users", "alice:" + ALICE_HASH,
        "web.admins", "mallory")), "web"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("web.admins: \"mallory\" is not one of");
    assertThatThrownBy(() -> AccessConfig.load(ConfigSource.of(Map.of("web.users",
        List.of("alice:" + ALICE_HASH, "alice:" + BOB_HASH))), "web"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("given twice");
  }

  @Test
  void to_string_hides_hashes_and_token() {
    AccessConfig c = AccessConfig.load(ConfigSource.of(Map.of("http.users", "alice:" + ALICE_HASH,
        "http.authToken", "0123456789abcdef-token")), "http");
    assertThat(c.toString()).contains("alice").doesNotContain(ALICE_HASH, "0123456789abcdef-token");
  }

  @Test
  void a_non_loopback_listener_without_authentication_is_refused_naming_the_key() {
    BindRule.requireAuthenticationOffLoopback("http.host", "127.0.0.1", false, "http.authToken");
    BindRule.requireAuthenticationOffLoopback("http.host", "0.0.0.0", true, "http.authToken");
    assertThatThrownBy(() -> BindRule.requireAuthenticationOffLoopback("http.host", "0.0.0.0", false,
        AccessConfig.keys("http")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("http.host: \"0.0.0.0\" is not a loopback address")
        .hasMessageContaining("http.authToken or http.users");
  }
}
