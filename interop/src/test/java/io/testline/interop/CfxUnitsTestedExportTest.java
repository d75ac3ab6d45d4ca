package io.testline.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import io.testline.interop.model.RunRecord;
import io.testline.interop.model.RunsWriter;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * IPC-CFX UnitsTested checked against a JSON Schema written from the CFX SDK's classes
 * ({@code src/test/resources/cfx/UnitsTested.schema.json}), and the mapping's values.
 */
class CfxUnitsTestedExportTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Schema schema;

  @BeforeAll
  static void loadSchema() throws Exception {
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
        b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    try (InputStream in = CfxUnitsTestedExportTest.class.getResourceAsStream("/cfx/UnitsTested.schema.json")) {
      schema = registry.getSchema(in);
    }
    schema.initializeValidators();
  }

  @Test
  void every_run_is_a_units_tested_envelope_valid_against_the_sdk_structure() throws Exception {
    JsonNode envelopes = JSON.readTree(write(true, Runs.failing("SN-1"), Runs.passing("SN-2"), Runs.crashed("SN-3"),
        Runs.failing("SN<&\u0000\u0001\ud800>")));

    assertThat(envelopes.isArray()).isTrue();
    assertThat(envelopes).hasSize(4);
    for (JsonNode envelope : envelopes) {
      List<Error> errors = schema.validate(envelope);
      assertThat(errors).as(envelope.toPrettyString()).isEmpty();
    }
    assertThat(envelopes.get(3).at("/MessageBody/TestedUnits/0/UnitIdentifier").asText())
        .as("JSON escapes controls; a lone surrogate, which has no UTF-8 form, becomes ?").isEqualTo("SN<&\u0000\u0001?>");
  }

  @Test
  void the_schema_refuses_limits_under_names_the_sdk_does_not_have() throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode envelope =
        (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(write(false, Runs.failing("SN-1")));
    ((com.fasterxml.jackson.databind.node.ObjectNode) envelope.at("/MessageBody/TestedUnits/0/Tests/1/Measurements/0"))
        .put("LowerLimit", 4.75);
    assertThat(schema.validate(envelope)).isNotEmpty();
  }

  @Test
  void a_failed_limit_is_a_failed_numeric_measurement_with_its_acceptable_minimum_and_maximum() throws Exception {
    RunRecord run = Runs.failing("SN-1");
    JsonNode envelope = JSON.readTree(write(false, run));

    assertThat(envelope.path("MessageName").asText()).isEqualTo("CFX.Production.TestAndInspection.UnitsTested");
    JsonNode body = envelope.path("MessageBody");
    assertThat(body.path("$type").asText()).isEqualTo("CFX.Production.TestAndInspection.UnitsTested, CFX");
    assertThat(body.path("TransactionId").asText()).isEqualTo(run.runId().toString());
    assertThat(body.path("TestMethod").asText()).isEqualTo("FCT");
    JsonNode unit = body.path("TestedUnits").get(0);
    assertThat(unit.path("UnitIdentifier").asText()).isEqualTo("SN-1");
    assertThat(unit.path("UnitPositionNumber").asInt()).isEqualTo(1);
    assertThat(unit.path("OverallResult").asText()).isEqualTo("Failed");
    JsonNode tests = unit.path("Tests");
    assertThat(tests).hasSize(3);
    assertThat(tests.get(2).path("Result").asText()).isEqualTo("Skipped");
    JsonNode rail = tests.get(1);
    assertThat(rail.path("TestName").asText()).isEqualTo("Power/Rails/5V0");
    assertThat(rail.path("Result").asText()).isEqualTo("Failed");
    JsonNode voltage = rail.path("Measurements").get(0);
    assertThat(voltage.path("$type").asText()).isEqualTo("CFX.Structures.NumericMeasurement, CFX");
    assertThat(voltage.path("MeasurementName").asText()).isEqualTo("voltage");
    assertThat(voltage.path("Result").asText()).isEqualTo("Failed");
    assertThat(voltage.at("/MeasuredValue/Value").asDouble()).isEqualTo(5.61);
    assertThat(voltage.at("/MeasuredValue/ValueUnits").asText()).isEqualTo("V");
    assertThat(voltage.at("/MeasuredValue/ExpectedValue").asDouble()).isEqualTo(5.0);
    assertThat(voltage.at("/MeasuredValue/MinimumAcceptableValue").asDouble()).isEqualTo(4.75);
    assertThat(voltage.at("/MeasuredValue/MaximumAcceptableValue").asDouble()).isEqualTo(5.25);
    JsonNode ripple = rail.path("Measurements").get(1);
    assertThat(ripple.at("/MeasuredValue/MinimumAcceptableValue").isNull()).isTrue();
    assertThat(ripple.path("Result").asText()).isEqualTo("Passed");

    JsonNode banner = JSON.readTree(write(false, Runs.passing("SN-2")))
        .at("/MessageBody/TestedUnits/0/Tests/1/Measurements/0");
    assertThat(banner.path("$type").asText()).isEqualTo("CFX.Structures.TextMeasurement, CFX");
    assertThat(banner.path("Value").asText()).isEqualTo("U-Boot 2026.01");
    assertThat(JSON.readTree(write(false, run))).as("exporting twice gives the same message").isEqualTo(envelope);
  }

  static byte[] write(boolean several, RunRecord... runs) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (RunsWriter w = ExportFormat.CFX.writer(out, several)) {
      for (RunRecord r : runs) {
        w.write(r);
      }
    }
    return out.toByteArray();
  }
}
