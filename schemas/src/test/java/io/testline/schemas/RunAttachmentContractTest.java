package io.testline.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** run.attachment: a new message type, and the crash section's minidumpFile and uploaded, compatible additions. */
class RunAttachmentContractTest {
  private static final MessageValidator VALIDATOR = new MessageValidator();

  private static Validation validate(ObjectNode doc) {
    return VALIDATOR.validate(Examples.toBytes(doc));
  }

  private static ObjectNode data(ObjectNode doc) {
    return (ObjectNode) doc.get("data");
  }

  @Test
  void an_attachment_chunk_reads_into_the_record_and_its_bytes_hash_to_the_files_sha256() throws Exception {
    Validation result = validate(Examples.tree("run.attachment.json"));

    assertThat(result.isValid()).as(result.toString()).isTrue();
    RunAttachment a = (RunAttachment) ((Validation.Valid) result).event().data();
    byte[] bytes = Base64.getDecoder().decode(a.data());
    assertThat(a.chunks()).isEqualTo(1);
    assertThat((long) bytes.length).isEqualTo(a.sizeBytes());
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))).isEqualTo(a.sha256());
  }

  @Test
  void attachments_travel_on_the_logs_channel_keyed_by_run_id() {
    Validation.Valid valid = (Validation.Valid) validate(Examples.tree("run.attachment.json"));

    assertThat(Topics.mqttKindOf(MessageType.RUN_ATTACHMENT)).isEqualTo(Topics.Kind.LOGS);
    assertThat(Topics.kafkaTopicOf(MessageType.RUN_ATTACHMENT)).isEqualTo(Topics.KAFKA_LOGS);
    assertThat(Topics.kafkaKeyOf(valid)).isEqualTo("019aaa12-0000-7000-8000-000000000b02");
  }

  @Test
  void a_chunk_of_the_largest_size_fits_one_message() {
    ObjectNode doc = Examples.tree("run.attachment.json");
    byte[] chunk = new byte[RunAttachment.MAX_CHUNK_BYTES];
    data(doc).put("data", Base64.getEncoder().encodeToString(chunk)).put("sizeBytes", chunk.length);

    Validation result = validate(doc);

    assertThat(result.isValid()).as(result.toString()).isTrue();
    assertThat(Examples.toBytes(doc).length).isLessThan(Schemas.MAX_MESSAGE_BYTES);
  }

  @Test
  void a_chunk_over_the_size_a_path_as_name_or_data_that_is_not_base64_is_refused_naming_the_field() {
    ObjectNode big = Examples.tree("run.attachment.json");
    data(big).put("data", Base64.getEncoder().encodeToString(new byte[RunAttachment.MAX_CHUNK_BYTES + 3]));
    assertThat(((Validation.Invalid) validate(big)).detail()).contains("data");

    ObjectNode path = Examples.tree("run.attachment.json");
    data(path).put("name", "../etc/passwd");
    assertThat(((Validation.Invalid) validate(path)).detail()).contains("name");

    ObjectNode text = Examples.tree("run.attachment.json");
    data(text).put("data", "not base64!");
    assertThat(((Validation.Invalid) validate(text)).detail()).contains("data");
  }

  @Test
  void the_record_refuses_a_chunk_outside_its_count_and_counts_chunks_for_a_size() {
    assertThatThrownBy(() -> new RunAttachment(Ids.newId(), "SN1", "core", "application/x-coredump", 1,
        "0".repeat(64), 1, 1, "AA==")).hasMessageContaining("chunk");

    assertThat(RunAttachment.chunksFor(0)).isEqualTo(1);
    assertThat(RunAttachment.chunksFor(RunAttachment.MAX_CHUNK_BYTES)).isEqualTo(1);
    assertThat(RunAttachment.chunksFor(RunAttachment.MAX_CHUNK_BYTES + 1L)).isEqualTo(2);
  }

  @Test
  void the_crash_section_names_the_minidump_and_the_uploads_and_reads_without_them() {
    ObjectNode doc = Examples.tree("run.finished.crashed.json");
    ((ObjectNode) data(doc).get("crash")).put("minidumpFile", "python3.4242.dmp");
    Validation result = validate(doc);
    assertThat(result.isValid()).as(result.toString()).isTrue();
    Crash crash = ((RunFinished) ((Validation.Valid) result).event().data()).crash();
    assertThat(crash.uploaded()).containsExactly("core");
    assertThat(crash.minidumpFile()).isEqualTo("python3.4242.dmp");

    ObjectNode old = Examples.tree("run.finished.crashed.json");
    ((ObjectNode) data(old).get("crash")).remove("uploaded");
    Crash before = ((RunFinished) ((Validation.Valid) validate(old)).event().data()).crash();
    assertThat(before.uploaded()).isNull();
    assertThat(EventJson.toTree(before).has("uploaded")).isFalse();
    assertThat(before.withUploads(List.of(), "why").uploaded()).isNull();
  }
}
