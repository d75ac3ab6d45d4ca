package io.testline.consumer.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.testline.brokers.Database;
import io.testline.brokers.junit.RealBrokers;
import io.testline.consumer.store.EventWriter;
import io.testline.consumer.store.StoreDataSource;
import io.testline.consumer.store.StoredEvent;
import io.testline.schemas.Event;
import io.testline.schemas.Ids;
import io.testline.schemas.RunAttachment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * run.attachment chunks stored idempotently in attachment_chunks and served back whole by the query API, only once
 * every chunk is there and the bytes hash to the station's sha256.
 */
@ExtendWith(RealBrokers.class)
class AttachmentDownloadIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void chunks_are_stored_once_and_the_file_is_served_only_when_complete_with_its_sha256(Database db)
      throws Exception {
    byte[] core = new byte[RunAttachment.MAX_CHUNK_BYTES * 2 + 12345];
    new Random(28).nextBytes(core);
    UUID runId = Ids.newId();
    List<Event<?>> chunks = chunks(runId, "core", core, sha256(core));
    try (HikariDataSource ds = StoreDataSource.create(db.jdbcUrl(), db.user(), db.password(), 2,
        Duration.ofSeconds(5))) {
      StoreDataSource.migrate(ds);
      try (QueryApi api = new QueryApi(ds).start("127.0.0.1", 0)) {
        String base = "http://127.0.0.1:" + api.port() + "/api/runs/" + runId + "/attachments";
        // chunks 2 and 0 arrive; 1 is still on its way
        write(ds, List.of(chunks.get(2), chunks.get(0)));

        HttpResponse<String> incomplete = get(base + "/core", HttpResponse.BodyHandlers.ofString());
        assertThat(incomplete.statusCode()).isEqualTo(409);
        assertThat(incomplete.body()).contains("incomplete: 2 of 3 chunks stored");
        assertThat(get(base, HttpResponse.BodyHandlers.ofString()).body())
            .contains("\"name\":\"core\"", "\"received\":2", "\"complete\":false");

        // everything again (a redelivery), with the missing chunk
        write(ds, chunks);

        HttpResponse<byte[]> whole = get(base + "/core", HttpResponse.BodyHandlers.ofByteArray());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(core);
        assertThat(whole.headers().firstValue("Content-Type")).hasValue("application/x-coredump");
        assertThat(whole.headers().firstValue("X-Sha256")).hasValue(sha256(core));
        assertThat(whole.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"core\"");
        assertThat(count(ds, runId)).isEqualTo(3);
        assertThat(get(base + "/absent", HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
      }
    }
  }

  @Test
  void a_file_whose_stored_bytes_do_not_hash_to_its_sha256_is_refused(Database db) throws Exception {
    byte[] dump = "MDMP minidump".getBytes();
    UUID runId = Ids.newId();
    List<Event<?>> chunks = chunks(runId, "probe.exe.42.dmp", dump, sha256("another file".getBytes()));
    try (HikariDataSource ds = StoreDataSource.create(db.jdbcUrl(), db.user(), db.password(), 2,
        Duration.ofSeconds(5))) {
      StoreDataSource.migrate(ds);
      write(ds, chunks);
      try (QueryApi api = new QueryApi(ds).start("127.0.0.1", 0)) {
        HttpResponse<String> r = get("http://127.0.0.1:" + api.port() + "/api/runs/" + runId
            + "/attachments/probe.exe.42.dmp", HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.body()).contains("does not hash to its sha256");
      }
    }
  }

  static List<Event<?>> chunks(UUID runId, String name, byte[] file, String sha256) {
    int n = RunAttachment.chunksFor(file.length);
    List<Event<?>> out = new ArrayList<>();
    UUID session = Ids.newId();
    for (int i = 0; i < n; i++) {
      byte[] part = Arrays.copyOfRange(file, i * RunAttachment.MAX_CHUNK_BYTES,
          Math.min(file.length, (i + 1) * RunAttachment.MAX_CHUNK_BYTES));
      out.add(Event.of("ST-1", session, 10 + i, Instant.now(), new RunAttachment(runId, "SN-1", name,
          name.endsWith(".dmp") ? "application/x-dmp" : "application/x-coredump", file.length, sha256, i, n,
          Base64.getEncoder().encodeToString(part))));
    }
    return out;
  }

  private static void write(HikariDataSource ds, List<Event<?>> events) throws Exception {
    List<StoredEvent> stored = new ArrayList<>();
    for (Event<?> e : events) {
      stored.add(new StoredEvent(e, "testline.logs", 0, stored.size()));
    }
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      new EventWriter().write(c, stored);
      c.commit();
    }
  }

  private static long count(HikariDataSource ds, UUID runId) throws Exception {
    try (Connection c = ds.getConnection();
         var ps = c.prepareStatement("select count(*) from attachment_chunks where run_id = ?")) {
      ps.setObject(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static <T> HttpResponse<T> get(String url, HttpResponse.BodyHandler<T> body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(), body);
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
