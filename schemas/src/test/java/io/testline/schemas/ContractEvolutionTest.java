package io.testline.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The versioning rule: additive changes keep the version, and readers ignore fields they do not know. */
class ContractEvolutionTest {
  private static final MessageValidator VALIDATOR = new MessageValidator();

  @Test
  void fields_added_by_a_newer_writer_are_accepted_and_ignored() {
    ObjectNode doc = Examples.tree("run.finished.json");
    doc.put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
    ((ObjectNode) doc.get("data")).put("humidityPercent", 41.5);
    ((ObjectNode) doc.get("data").withArray("steps").get(0)).put("retries", 2);

    Validation result = VALIDATOR.validate(Examples.toBytes(doc));

    assertThat(result.isValid()).as(result.toString()).isTrue();
    RunFinished run = (RunFinished) ((Validation.Valid) result).event().data();
    assertThat(run.steps()).hasSize(3);
    assertThat(EventJson.toTree(run).has("humidityPercent")).isFalse();
  }

  @Test
  void every_type_has_a_schema_file_named_after_its_version() {
    for (MessageType type : MessageType.values()) {
      assertThat(MessageType.class.getClassLoader().getResource(type.schemaResource()))
          .as(type.schemaResource())
          .isNotNull();
      assertThat(type.schemaId()).isEqualTo("testline." + type.typeName() + "/" + type.version());
    }
  }
}
