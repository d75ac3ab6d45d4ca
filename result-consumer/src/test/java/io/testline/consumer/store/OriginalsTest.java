package io.testline.consumer.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.testline.schemas.EventJson;
import io.testline.text.StorableText;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OriginalsTest {
  @Test
  void originals_keep_only_what_changed_and_json_documents_are_cleaned_inside() throws Exception {
    Originals o = new Originals();
    assertThat(o.text("plain", "ok")).isEqualTo("ok");
    assertThat(o.toJson()).isNull();
    assertThat(o.json("clean", Map.of("k", "v\u001b"))).isEqualTo("{\"k\":\"v\\u001B\"}");
    assertThat(o.toJson()).isNull();

    assertThat(o.text("error_message", "boom\u0000")).isEqualTo("boom\u2400");
    String labels = o.json("labels", Map.of("k\u0000", "\ud800v"));
    assertThat(StorableText.isStorable(labels)).isTrue();
    assertThat(labels).doesNotContain("\\u0000");
    JsonNode clean = EventJson.mapper().readTree(labels);
    assertThat(clean.get("k\u2400").textValue()).isEqualTo("\ufffdv");

    JsonNode originals = EventJson.mapper().readTree(o.toJson());
    assertThat(originals.fieldNames()).toIterable().containsExactly("error_message", "labels");
    assertThat(StorableText.fromExactBase64(originals.get("error_message").textValue())).isEqualTo("boom\u0000");
    JsonNode original = EventJson.mapper().readTree(
        StorableText.fromExactBase64(originals.get("labels").textValue()));
    assertThat(original.get("k\u0000").textValue()).isEqualTo("\ud800v");
  }
}
