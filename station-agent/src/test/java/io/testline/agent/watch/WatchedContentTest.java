package io.testline.agent.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A watched file read as a stream: hashed once, then read again only if the bytes are the ones hashed. */
class WatchedContentTest {
  @TempDir
  Path tmp;

  @Test
  void the_hash_is_the_files_sha256_and_the_second_read_ends_verified() throws Exception {
    Path file = Files.writeString(tmp.resolve("r.json"), "{\"serialNumber\": \"SN-1\"}");
    String sha256 = WatchedContent.sha256(file, 1024);
    assertThat(sha256).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(Files.readAllBytes(file))));
    try (InputStream in = Files.newInputStream(file)) {
      WatchedContent content = WatchedContent.over(in, 1024, sha256);
      content.close();
      assertThat(new String(content.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
          .as("closing it leaves the file readable").isEqualTo("{\"serialNumber\": \"SN-1\"}");
      assertThat(content.verified()).isTrue();
    }
  }

  @Test
  void a_file_changed_after_it_was_hashed_fails_at_its_end() throws Exception {
    Path file = Files.writeString(tmp.resolve("r.json"), "{\"serialNumber\": \"SN-1\"}");
    String sha256 = WatchedContent.sha256(file, 1024);
    Files.writeString(file, "{\"serialNumber\": \"SN-2\"}");
    try (InputStream in = Files.newInputStream(file)) {
      WatchedContent content = WatchedContent.over(in, 1024, sha256);
      assertThatThrownBy(() -> content.transferTo(OutputStream.nullOutputStream())).isInstanceOf(IOException.class)
          .hasMessageContaining("the file changed while it was read");
      assertThat(content.verified()).isFalse();
    }
  }

  @Test
  void a_file_past_the_bound_fails_as_oversize_after_reading_no_more_than_one_buffer_past_it() throws Exception {
    Path file = Files.write(tmp.resolve("r.json"), new byte[5000]);
    assertThatThrownBy(() -> WatchedContent.sha256(file, 4096)).isInstanceOf(WatchedContent.Oversize.class)
        .hasMessage("oversize: grew past watch.maxFileBytes 4096 while read");
  }
}
