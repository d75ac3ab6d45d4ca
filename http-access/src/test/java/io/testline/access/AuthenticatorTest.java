package io.testline.access;

import static io.testline.access.AccessConfigTest.ALICE_HASH;
import static io.testline.access.AccessConfigTest.BOB_HASH;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
  private static final String TOKEN = "a-token-of-more-than-16-chars";
  private final Authenticator auth = new Authenticator(new AccessConfig(
      Map.of("alice", ALICE_HASH, "bob", BOB_HASH), Set.of("alice"), TOKEN, Role.VIEWER));

  @Test
  void accepts_the_right_password_and_token_and_refuses_wrong_ones() {
    assertThat(auth.login("alice", "alice-pw")).contains(new Principal("alice", Role.ADMIN));
    assertThat(auth.login("alice", "alice-pw")).as("again, from the verified cache").isPresent();
    assertThat(auth.login("alice", "bob-pw")).isEmpty();
    assertThat(auth.login("nobody", "alice-pw")).isEmpty();
    assertThat(auth.token(TOKEN)).contains(new Principal(Principal.TOKEN_NAME, Role.VIEWER));
    assertThat(auth.token(TOKEN + "x")).isEmpty();
  }

  @Test
  void reads_bearer_and_basic_headers_and_refuses_anything_else() {
    assertThat(auth.authorize(null)).isInstanceOf(Authenticator.Absent.class);
    assertThat(auth.authorize("Bearer " + TOKEN)).isInstanceOf(Authenticator.Accepted.class);
    assertThat(auth.authorize("Bearer wrong")).isEqualTo(new Authenticator.Refused("invalid bearer token"));
    assertThat(auth.authorize("Basic " + basic("bob:bob-pw")))
        .isEqualTo(new Authenticator.Accepted(new Principal("bob", Role.VIEWER)));
    assertThat(auth.authorize("Basic " + basic("bob:alice-pw"))).isInstanceOf(Authenticator.Refused.class);
    assertThat(auth.authorize("Basic %%%")).isInstanceOf(Authenticator.Refused.class);
    assertThat(auth.authorize("Basic " + basic("no-colon"))).isInstanceOf(Authenticator.Refused.class);
    assertThat(auth.authorize("Digest x")).isInstanceOf(Authenticator.Refused.class);
  }

  @Test
  void the_credential_tag_changes_with_the_password() {
    Authenticator rotated = new Authenticator(new AccessConfig(Map.of("alice", BOB_HASH), Set.of(), null,
        Role.VIEWER));
    assertThat(auth.credentialTag("alice")).isPresent().isNotEqualTo(rotated.credentialTag("alice"));
    assertThat(rotated.credentialTag("bob")).isEmpty();
    assertThat(rotated.credentialTag(Principal.TOKEN_NAME)).isEmpty();
  }

  private static String basic(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
