package io.testline.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class StorableTextTest {
  private static final List<String> ODD = List.of(
      "a\u0000b", "\u0000", "\ud800", "x\udfffy", "\udc00\ud800", "end\ud83d", "\u0000\ud800\u0000",
      "\u0001\u001b[31mred\u001b[0m\u007f\u0085\u009f", "😀 ok \ud83d\ude00", "\\u0000 literal", "", "ünïcödé ␀ �");

  @Test
  void only_nul_and_lone_surrogates_are_unstorable() {
    assertThat(StorableText.isStorable(null)).isTrue();
    assertThat(StorableText.isStorable("")).isTrue();
    assertThat(StorableText.isStorable("\u0001\u001b[31m\u007f\u0085\u009f")).isTrue();
    assertThat(StorableText.isStorable("😀")).isTrue();
    assertThat(StorableText.isStorable("\\u0000")).isTrue();
    assertThat(StorableText.isStorable("a\u0000")).isFalse();
    assertThat(StorableText.isStorable("\ud800")).isFalse();
    assertThat(StorableText.isStorable("\ude00\ud83d")).isFalse();
    assertThat(StorableText.isStorable("x\ud83d")).isFalse();
  }

  @Test
  void readable_form_shows_nul_as_its_symbol_and_lone_surrogates_as_replacement() {
    assertThat(StorableText.readable("a\u0000b")).isEqualTo("a\u2400b");
    assertThat(StorableText.readable("x\udfffy\ud83d\ude00\ud800")).isEqualTo("x\ufffdy😀\ufffd");
    String storable = "\u001b[1mbold\u001b[0m";
    assertThat(StorableText.readable(storable)).isSameAs(storable);
    for (String s : ODD) {
      assertThat(StorableText.isStorable(StorableText.readable(s))).as(s).isTrue();
      // one character for one: positions in the readable text are those of the original
      assertThat(StorableText.readable(s)).hasSameSizeAs(s);
    }
  }

  @Test
  void exact_base64_round_trips_every_string_and_is_plain_utf8_for_valid_text() {
    for (String s : ODD) {
      assertThat(StorableText.fromExactBase64(StorableText.exactBase64(s))).as(s).isEqualTo(s);
    }
    String valid = "a\u0000b ünï 😀 \u001b[0m";
    assertThat(StorableText.exactBytes(valid)).isEqualTo(valid.getBytes(StandardCharsets.UTF_8));
    assertThat(StorableText.exactBytes("\ud800")).containsExactly(0xED, 0xA0, 0x80);
  }

  @Test
  void bytes_that_are_not_utf8_decode_to_replacement_characters() {
    String b64 = Base64.getEncoder().encodeToString(new byte[] {'a', (byte) 0xFF, (byte) 0xC0, (byte) 0x80, 'b'});
    assertThat(StorableText.fromExactBase64(b64)).isEqualTo("a\ufffd\ufffd\ufffdb");
  }
}
