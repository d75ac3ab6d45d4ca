package io.testline.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SessionCodecTest {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private final SessionCodec codec = new SessionCodec("k".repeat(32).getBytes());

  @Test
  void a_session_reads_back_until_it_expires() {
    String value = codec.issue("alice", "tag1", NOW.plus(Duration.ofHours(8)));
    assertThat(codec.read(value, NOW)).contains(new SessionCodec.Session("alice", Instant.ofEpochSecond(
        NOW.plus(Duration.ofHours(8)).getEpochSecond()), "tag1"));
    assertThat(codec.read(value, NOW.plus(Duration.ofHours(8)))).isEmpty();
  }

  @Test
  void forged_or_tampered_or_foreign_sessions_are_refused() {
    String value = codec.issue("bob", "tag", NOW.plusSeconds(60));
    String body = value.substring(0, value.indexOf('.'));
    String forgedBody = Base64.getUrlEncoder().withoutPadding().encodeToString("alice|9999999999|tag|x".getBytes());
    assertThat(codec.read(forgedBody + value.substring(value.indexOf('.')), NOW)).isEmpty();
    assertThat(codec.read(body + ".AAAA", NOW)).isEmpty();
    assertThat(codec.read(value, NOW)).isPresent();
    assertThat(new SessionCodec("x".repeat(32).getBytes()).read(value, NOW)).as("another key").isEmpty();
    assertThat(codec.read("garbage", NOW)).isEmpty();
    assertThat(codec.read("a.b.c", NOW)).isEmpty();
    assertThat(codec.read(null, NOW)).isEmpty();
  }

  @Test
  void csrf_tokens_are_bound_to_their_session() {
    String token = codec.csrfToken("session-1");
    assertThat(codec.validCsrf("session-1", token)).isTrue();
    assertThat(codec.validCsrf("session-2", token)).isFalse();
    assertThat(codec.validCsrf("session-1", null)).isFalse();
    assertThat(codec.validCsrf("session-1", token + "x")).isFalse();
  }
}
