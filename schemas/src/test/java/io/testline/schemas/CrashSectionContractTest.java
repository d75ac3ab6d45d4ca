package io.testline.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The optional crash section of run.finished: a compatible addition to version 1. */
class CrashSectionContractTest {
  private static final MessageValidator VALIDATOR = new MessageValidator();

  private static RunFinished valid(ObjectNode doc) {
    Validation result = VALIDATOR.validate(Examples.toBytes(doc));
    assertThat(result.isValid()).as(result.toString()).isTrue();
    return (RunFinished) ((Validation.Valid) result).event().data();
  }

  private static Validation.Invalid invalid(ObjectNode doc) {
    Validation result = VALIDATOR.validate(Examples.toBytes(doc));
    assertThat(result).isInstanceOf(Validation.Invalid.class);
    return (Validation.Invalid) result;
  }

  private static ObjectNode crash(ObjectNode doc) {
    return (ObjectNode) doc.get("data").get("crash");
  }

  @Test
  void a_payload_of_an_agent_older_than_the_crash_section_is_still_valid_and_reads_as_no_crash() {
    ObjectNode old = Examples.tree("run.finished.crashed.json");
    ((ObjectNode) old.get("data")).remove("crash");

    RunFinished run = valid(old);

    assertThat(run.crash()).isNull();
    assertThat(run.signal()).isEqualTo("SIGSEGV");
    assertThat(EventJson.toTree(run).has("crash")).isFalse();
  }

  @Test
  void the_crash_section_reads_into_the_record_with_kind_site_and_traceback() {
    RunFinished run = valid(Examples.tree("run.finished.crashed.json"));

    assertThat(run.crash().kind()).isEqualTo(CrashKind.NATIVE_BACKTRACE);
    assertThat(run.crash().site()).isEqualTo(new CrashSite("ict_runner.c", 212, "read_fixture_id"));
    assertThat(run.crash().site().key()).isEqualTo("ict_runner.c:212 in read_fixture_id");
    assertThat(run.crash().traceback()).startsWith("#0  read_fixture_id");
    assertThat(run.crash().coreFile()).isEqualTo("core");
  }

  @Test
  void a_crash_without_evidence_carries_only_kind_none_and_the_reason() {
    ObjectNode doc = Examples.tree("run.finished.crashed.json");
    ((ObjectNode) doc.get("data")).set("crash", EventJson.mapper().createObjectNode()
        .put("kind", "none").put("reason", "core_pattern pipes cores to a program; no coredumpctl"));

    RunFinished run = valid(doc);

    assertThat(run.crash()).isEqualTo(Crash.none("core_pattern pipes cores to a program; no coredumpctl"));
    assertThat(EventJson.toTree(run).get("crash").get("kind").asText()).isEqualTo("none");
  }

  @Test
  void an_old_reader_that_ignores_unknown_fields_reads_a_payload_with_a_crash_section() throws Exception {
    // an old reader's view: the record without the field, unknown properties ignored (EventJson's setting)
    record OldRunFinished(String serialNumber, String outcome, String signal) {}
    OldRunFinished old = EventJson.mapper().treeToValue(
        Examples.tree("run.finished.crashed.json").get("data"), OldRunFinished.class);

    assertThat(old).isEqualTo(new OldRunFinished("SN2611-000502", "CRASHED", "SIGSEGV"));
  }

  @Test
  void an_unknown_kind_a_negative_line_or_an_oversized_traceback_is_refused_naming_the_field() {
    ObjectNode badKind = Examples.tree("run.finished.crashed.json");
    crash(badKind).put("kind", "coredump");
    assertThat(invalid(badKind).detail()).contains("kind");

    ObjectNode badLine = Examples.tree("run.finished.crashed.json");
    ((ObjectNode) crash(badLine).get("site")).put("line", -1);
    assertThat(invalid(badLine).detail()).contains("line");

    ObjectNode longTrace = Examples.tree("run.finished.crashed.json");
    crash(longTrace).put("traceback", "x".repeat(Crash.MAX_TRACEBACK_CHARS + 1));
    assertThat(invalid(longTrace).detail()).contains("traceback");

    ObjectNode noKind = Examples.tree("run.finished.crashed.json");
    crash(noKind).remove("kind");
    assertThat(invalid(noKind).detail()).contains("kind");
  }

  @Test
  void the_records_refuse_what_the_schema_refuses() {
    assertThatThrownBy(() -> new CrashSite("a.py", -1, "f")).hasMessageContaining("line");
    assertThatThrownBy(() -> new Crash(CrashKind.PYTHON_TRACEBACK, null, null,
        "x".repeat(Crash.MAX_TRACEBACK_CHARS + 1), null)).hasMessageContaining("traceback");
    assertThatThrownBy(() -> new Crash(null, null, null, null, null)).hasMessageContaining("kind");
  }
}
