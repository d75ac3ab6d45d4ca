package io.testline.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.testline.agent.run.AgentExitCodes;
import io.testline.brokers.junit.RequiredTools;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A core uploaded through the whole chain, as a user runs it: the packaged {@code bin/testline agent run} runs a C
 * program compiled here that dereferences NULL; the core's run.attachment chunks go through mosquitto, the bridge,
 * Kafka and result-consumer into PostgreSQL, and the query API serves the file back. The packaged
 * {@code bin/testline standalone} is the central part. Needs a {@code core_pattern} that writes a file (the
 * station-agent's tests cover the others).
 */
class CoreUploadIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Duration STORED = Duration.ofSeconds(30);

  @TempDir
  static Path tmp;
  private static StandaloneProcess standalone;
  private static StandaloneProcess.Ports ports;
  private static String api;
  private static Path program;

  @BeforeAll
  static void start() throws Exception {
    String pattern = Files.readString(Path.of("/proc/sys/kernel/core_pattern")).strip();
    Assumptions.assumeTrue(!pattern.isEmpty() && !pattern.startsWith("|")
        && pattern.replaceAll("%[pe%]", "").indexOf('%') < 0, "core_pattern " + pattern + " gives no core file");
    program = compile(tmp);
    ports = StandaloneProcess.Ports.free();
    standalone = StandaloneProcess.start(tmp.resolve("central"), ports, tmp.resolve("standalone.out"));
    standalone.awaitRunning();
    api = "http://127.0.0.1:" + ports.api() + "/api/runs/";
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (standalone != null) {
      standalone.close();
    }
  }

  @Test
  void with_upload_on_the_cores_bytes_come_back_from_the_download_endpoint_with_the_same_sha256() throws Exception {
    Path station = station("UPLOAD-ON", "uploadCores: true");

    String runId = run(station, "SN-CORE-ON");

    Path core = station.resolve("data/runs/" + runId + "/core");
    assertThat(core).isRegularFile();
    String url = api + runId + "/attachments/core";
    await("the core stored whole").atMost(STORED).until(() -> get(url).statusCode() == 200);
    HttpResponse<byte[]> download = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    String kept = sha256(Files.readAllBytes(core));
    assertThat(sha256(download.body())).isEqualTo(kept);
    assertThat(download.headers().firstValue("X-Sha256")).hasValue(kept);
    JsonNode stored = JSON.readTree(get(api + runId).body());
    assertThat(stored.path("outcome").asText()).isEqualTo("CRASHED");
  }

  @Test
  void with_upload_off_no_chunk_is_stored_and_the_core_stays_at_the_station() throws Exception {
    Path station = station("UPLOAD-OFF", "uploadCores: false");

    String runId = run(station, "SN-CORE-OFF");

    await("the run stored").atMost(STORED).until(() -> get(api + runId).statusCode() == 200
        && JSON.readTree(get(api + runId).body()).path("outcome").asText().equals("CRASHED"));
    assertThat(JSON.readTree(get(api + runId + "/attachments").body()).path("attachments")).isEmpty();
    assertThat(get(api + runId + "/attachments/core").statusCode()).isEqualTo(404);
    assertThat(station.resolve("data/runs/" + runId + "/core")).isRegularFile();
  }

  @Test
  void a_core_over_the_upload_limit_is_refused_with_the_reason_and_the_run_is_stored_crashed() throws Exception {
    Path station = station("UPLOAD-BIG", "uploadCores: true\n  uploadMaxBytes: 4KiB");

    String runId = run(station, "SN-CORE-BIG");

    await("the run stored").atMost(STORED).until(() -> get(api + runId).statusCode() == 200);
    JsonNode stored = JSON.readTree(get(api + runId).body());
    assertThat(stored.path("outcome").asText()).isEqualTo("CRASHED");
    assertThat(stored.path("crashReason").asText()).contains("core not uploaded: ",
        " bytes is over forensics.uploadMaxBytes 4096; kept in the run directory");
    assertThat(JSON.readTree(get(api + runId + "/attachments").body()).path("attachments")).isEmpty();
    assertThat(station.resolve("data/runs/" + runId + "/core")).isRegularFile();
  }

  private static Path station(String id, String forensics) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(id));
    Files.writeString(dir.resolve("agent.yaml"), String.join("\n",
        "station:",
        "  id: " + id,
        "agent:",
        "  dataDir: " + dir.resolve("data"),
        "mqtt:",
        "  url: tcp://127.0.0.1:" + ports.mqtt(),
        "  connectTimeout: 5s",
        "run:",
        "  killGrace: 1s",
        "  flushTimeout: 20s",
        "forensics:",
        "  gdb: \"\"",
        "  " + forensics,
        ""));
    return dir;
  }

  /** Runs the crashing program under the packaged agent ({@code bin/testline agent run}); returns the run id. */
  private static String run(Path station, String serial) throws Exception {
    Path launcher = Path.of(System.getProperty("testline.dist", "target/testline")).resolve("bin/testline");
    ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "agent", "run", "--config",
        station.resolve("agent.yaml").toString(), "--serial", serial, "--workdir", station.toString(), "--",
        program.toString()).redirectErrorStream(true);
    builder.environment().put("TESTLINE_JAVA_OPTS", "-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    Process agent = builder.start();
    String output = new String(agent.getInputStream().readAllBytes());
    assertThat(agent.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
    assertThat(agent.exitValue()).as("agent exit code; output:%n%s", output).isEqualTo(AgentExitCodes.CRASHED);
    try (var dirs = Files.list(station.resolve("data/runs"))) {
      List<Path> runs = dirs.toList();
      assertThat(runs).hasSize(1);
      return runs.get(0).getFileName().toString();
    }
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static Path compile(Path dir) throws Exception {
    Path gcc = RequiredTools.require("gcc");
    Files.writeString(dir.resolve("fixture_probe.c"), String.join("\n",
        "#include <stdio.h>",
        "static int read_fixture_id(volatile int *fixture) {",
        "  return *fixture;",
        "}",
        "int main(void) {",
        "  printf(\"probing fixture\\n\");",
        "  fflush(stdout);",
        "  return read_fixture_id(NULL);",
        "}",
        ""));
    Path binary = dir.resolve("fixture_probe");
    Process p = new ProcessBuilder(gcc.toString(), "-g", "-O0", "-o", binary.toString(), "fixture_probe.c")
        .directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    return binary;
  }
}
