package io.testline.access;

import static io.testline.access.AccessConfigTest.ALICE_HASH;
import static io.testline.access.AccessConfigTest.BOB_HASH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.testline.login.LoginLimits;
import io.testline.login.LoginThrottle;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
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

  @Test
  void the_authenticator_refuses_even_the_right_password_while_the_user_is_locked_out() {
    MutableClock clock = new MutableClock();
    LoginThrottle throttle = new LoginThrottle(new LoginLimits(3, 5, Duration.ofMinutes(10), Duration.ofSeconds(30),
        Duration.ofMinutes(4), 100), clock, new SimpleMeterRegistry(), "web");
    Authenticator auth = new Authenticator(new AccessConfig(Map.of("alice", ALICE_HASH), Set.of(), null,
        Role.VIEWER), throttle);
    for (int i = 0; i < 3; i++) {
      assertThat(auth.login("alice", "wrong-" + i, "10.0.0.1")).isEmpty();
    }
    assertThatThrownBy(() -> auth.login("alice", "alice-pw", "10.0.0.1"))
        .isInstanceOfSatisfying(AccessDenied.class, e -> {
          assertThat(e.status()).isEqualTo(429);
          assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(30));
          assertThat(e.getMessage()).contains("try again in 30 s").doesNotContain("alice-pw");
        });
    assertThatThrownBy(() -> auth.authorize("Basic " + java.util.Base64.getEncoder().encodeToString(
        "alice:alice-pw".getBytes(java.nio.charset.StandardCharsets.UTF_8)), "10.0.0.7"))
        .isInstanceOf(AccessDenied.class);
    clock.now = clock.now.plusSeconds(30);
    assertThat(auth.login("alice", "alice-pw", "10.0.0.1")).isPresent();
    assertThat(auth.login("alice", "wrong", "10.0.0.1")).as("the success cleared the count").isEmpty();
    assertThat(auth.login("alice", "alice-pw", "10.0.0.1")).isPresent();
  }

  private static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-12-07T08:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
