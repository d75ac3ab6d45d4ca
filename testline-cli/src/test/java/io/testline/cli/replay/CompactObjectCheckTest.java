package io.testline.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.schemas.EventJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompactObjectCheckTest {
  private static final String EVENT = "{\"schema\":\"testline.run.step/1\",\"eventId\":\"0b6f\",\"stationId\":\"FCT-L1-3\","
      + "\"seq\":-12,\"occurredAt\":\"2026-12-03T06:00:00.000Z\",\"data\":{\"runId\":\"r\",\"serialNumber\":\"SN1\","
      + "\"name\":\"3V3 r\\u00e4il \\\"x\\\" \\/ \\n\",\"limits\":[1.5e3,-0.25,0,true,false,null,[],{}],"
      + "\"unit\":\"µA ✓ \uD83D\uDE00\",\"outcome\":\"PASS\"}}";

  private final CompactObjectCheck check = new CompactObjectCheck();

  @Test
  void vouches_for_a_compact_event_with_escapes_unicode_and_nesting() {
    assertThat(check.certainly(EVENT.getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(check.certainly("  {\"a\":{\"a\":{\"a\":1}},\"b\":[{\"a\":1},{\"a\":2}]}\t".getBytes())).isTrue();
  }

  @Test
  void does_not_vouch_for_what_it_cannot_be_sure_of() {
    for (String s : List.of("", "[]", "\"x\"", "1", "{", "{}{}", "{\"a\":1}x", "{\"a\":1,}", "{\"a\":01}",
        "{\"a\":1.}", "{\"a\":.5}", "{\"a\":+1}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\":truex}", "{'a':1}",
        "{a:1}", "{\"a\":1,\"a\":2}", "{\"b\":{\"a\":1,\"a\":2}}", "{\"\\u0061\":1}", "{\"a\":\"\\x\"}",
        "{\"a\":\"\\ud800\"}", "{\"a\":\"tab\there\"}", "{\n\"a\":1}", "{\"a\":1}\r\n", "{\"a\":NaN}",
        "{\"a\":[1,]}", "{\"a\":[1 2]}", "\uFEFF{\"a\":1}")) {
      assertThat(check.certainly(s.getBytes(StandardCharsets.UTF_8))).as(s).isFalse();
    }
    assertThat(check.certainly(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0x80, '"', '}'}))
        .as("overlong UTF-8").isFalse();
    assertThat(check.certainly(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xE2, (byte) 0x82, '"', '}'}))
        .as("truncated UTF-8").isFalse();
    assertThat(check.certainly(("{\"a\":" + "[".repeat(80) + "]".repeat(80) + "}").getBytes())).as("deep").isFalse();
    assertThat(check.certainly(null)).isFalse();
  }

  /** Whatever it vouches for, the writer's general path (the event mapper's parser) writes as it is too. */
  @Test
  void vouches_only_for_what_the_event_mapper_reads_as_one_object_on_one_line() {
    byte[] event = EVENT.getBytes(StandardCharsets.UTF_8);
    byte[] alphabet = "{}[]\",:\\ \t\n-+.0123456789eEtrufalsn\"\u00e4".getBytes(StandardCharsets.UTF_8);
    Random random = new Random(42);
    List<byte[]> vouched = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      byte[] mutant = event.clone();
      for (int k = 1 + random.nextInt(3); k > 0; k--) {
        int at = random.nextInt(mutant.length);
        mutant[at] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : alphabet[random.nextInt(alphabet.length)];
      }
      if (check.certainly(mutant)) {
        vouched.add(mutant);
        assertThat(JsonlRowWriter.isOneLineObject(mutant)).as(new String(mutant, StandardCharsets.UTF_8)).isTrue();
      }
    }
    assertThat(vouched).as("some mutants stay valid").hasSizeGreaterThan(250);
  }
}
