package io.testline.agent.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testline.agent.results.ResultsChannel;
import io.testline.schemas.EventJson;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunStarted;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.UUID;

/**
 * A run's own directory, {@code <dataDir>/runs/<runId>/}, so repeated runs of one serial number never share a
 * file: stdout.log and stderr.log (the exact bytes), merged.log (both streams and the agent's notes, stamped),
 * results.jsonl (the results channel) and run.json (the run's description and, once ended, its outcome).
 */
public record RunDirectory(Path dir) {
  public static RunDirectory create(Path runsDir, UUID runId) throws IOException {
    Path dir = path(runsDir, runId);
    Files.createDirectories(dir);
    return new RunDirectory(dir);
  }

  public static Path path(Path runsDir, UUID runId) {
    return runsDir.resolve(runId.toString());
  }

  public Path stdout() {
    return dir.resolve("stdout.log");
  }

  public Path stderr() {
    return dir.resolve("stderr.log");
  }

  public Path merged() {
    return dir.resolve("merged.log");
  }

  public Path results() {
    return dir.resolve(ResultsChannel.FILE_NAME);
  }

  public Path runJson() {
    return dir.resolve("run.json");
  }

  /** Writes run.json for a run in progress. */
  public void writeStarted(RunStarted started, Instant startedAt, String stationId) throws IOException {
    ObjectNode doc = EventJson.mapper().createObjectNode();
    doc.put("state", "RUNNING");
    doc.put("stationId", stationId);
    doc.put("startedAt", startedAt.toString());
    doc.set("run", EventJson.mapper().valueToTree(started));
    write(doc);
  }

  /** Rewrites run.json with the run's end. */
  public void writeFinished(RunFinished finished, String stationId) throws IOException {
    ObjectNode doc = EventJson.mapper().createObjectNode();
    doc.put("state", "FINISHED");
    doc.put("stationId", stationId);
    doc.put("startedAt", finished.startedAt().toString());
    doc.set("run", EventJson.mapper().valueToTree(finished));
    write(doc);
  }

  /** The start time recorded in run.json, if readable. */
  public Instant startedAt() throws IOException {
    return Instant.parse(EventJson.mapper().readTree(runJson().toFile()).path("startedAt").asText());
  }

  private void write(ObjectNode doc) throws IOException {
    Path tmp = dir.resolve("run.json.tmp");
    Files.write(tmp, EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
    Files.move(tmp, runJson(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
