package io.testline.agent.results;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.schemas.Attachment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An attachment is read only from a file inside the run directory; a refused one keeps its step. */
class AttachmentPathTest {
  @TempDir
  Path tmp;

  @Test
  void a_path_out_of_the_run_directory_is_refused_with_its_reason_and_the_step_is_kept() throws Exception {
    Path runDir = Files.createDirectories(tmp.resolve("runs/r1"));
    Files.writeString(tmp.resolve("outside.txt"), "not the program's");

    ResultRecord.StepRecord record = step(runDir, "../../outside.txt");

    assertThat(record.step().name()).isEqualTo("s");
    Attachment a = record.step().attachments().get(0);
    assertThat(a.path()).isEqualTo("../../outside.txt");
    assertThat(a.sizeBytes()).as("the file was not read").isNull();
    assertThat(a.sha256()).isNull();
    assertThat(record.notes()).containsExactly("attachments[0].path refused: \"../../outside.txt\" is outside the "
        + "run directory; attachments are read only from inside it");
    assertThat(step(runDir, "../../../../../../../etc/passwd").notes()).singleElement()
        .asString().contains("outside the run directory");
    assertThat(step(runDir, tmp.resolve("outside.txt").toString()).notes()).hasSize(1);
  }

  @Test
  void a_symbolic_link_in_the_run_directory_is_refused_even_to_a_file_inside() throws Exception {
    Path runDir = Files.createDirectories(tmp.resolve("r2"));
    Path inside = Files.writeString(runDir.resolve("scope.csv"), "t,v\n");
    Files.createSymbolicLink(runDir.resolve("passwd"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(runDir.resolve("linked"), runDir.resolve("sub"));
    Files.createDirectories(runDir.resolve("sub"));
    Files.writeString(runDir.resolve("sub/data.bin"), "x");

    assertThat(step(runDir, "passwd").notes()).singleElement().asString()
        .contains("goes through the symbolic link passwd");
    assertThat(step(runDir, "linked/data.bin").notes()).singleElement().asString()
        .contains("goes through the symbolic link linked");
    ResultRecord.StepRecord ok = step(runDir, inside.toString());
    assertThat(ok.notes()).isEmpty();
    assertThat(ok.step().attachments().get(0).sizeBytes()).isEqualTo(4L);
    assertThat(ok.step().attachments().get(0).sha256()).hasSize(64);
    assertThat(step(runDir, "sub/data.bin").step().attachments().get(0).sizeBytes()).isEqualTo(1L);
  }

  @Test
  void a_file_not_written_yet_is_no_error() throws Exception {
    Path runDir = Files.createDirectories(tmp.resolve("r3"));
    ResultRecord.StepRecord record = step(runDir, "later.csv");
    assertThat(record.notes()).isEmpty();
    assertThat(record.step().attachments().get(0).sha256()).isNull();
  }

  private static ResultRecord.StepRecord step(Path runDir, String path) {
    String line = "{\"type\":\"step\",\"name\":\"s\",\"attachments\":[{\"path\":"
        + io.testline.schemas.EventJson.mapper().valueToTree(path) + "}]}";
    ResultRecord r = new ResultParser(runDir).parse(1, line, Instant.now());
    assertThat(r).isInstanceOf(ResultRecord.StepRecord.class);
    return (ResultRecord.StepRecord) r;
  }
}
