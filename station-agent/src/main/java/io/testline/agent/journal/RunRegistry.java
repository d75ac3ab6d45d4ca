package io.testline.agent.journal;

import io.testline.schemas.EventJson;
import io.testline.schemas.RunStarted;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The runs of this station ({@code runs}): which agent process owns each, its test program's process, how far its
 * output was journaled, and whether its run.finished is. A process is named by its pid and start time, so a reused
 * pid is not mistaken for the owner. The progress and the end of a run are written in the transaction of the event
 * that carries them ({@link #updateProgress}, {@link #markFinished}), so a restart after a crash knows exactly what
 * is still to send.
 */
final class RunRegistry {
  private final JournalStore store;

  RunRegistry(JournalStore store) {
    this.store = store;
  }

  /** Records a new run as ACTIVE, owned by this process, inside the writer's batch that journals its run.started. */
  static void register(Connection connection, RunStarted started, Path dir, long createdMs) throws SQLException {
    ProcessHandle self = ProcessHandle.current();
    try (PreparedStatement ps = connection.prepareStatement(
        "INSERT INTO runs(run_id, dir, started, state, owner_pid, owner_start_ms, stdout_lines, stderr_lines,"
            + " next_chunk, steps_emitted, created_ms) VALUES (?, ?, ?, 'ACTIVE', ?, ?, 0, 0, 0, 0, ?)")) {
      ps.setString(1, started.runId().toString());
      ps.setString(2, dir.toAbsolutePath().toString());
      ps.setBytes(3, writeJson(started));
      ps.setLong(4, self.pid());
      ps.setLong(5, startMillis(self));
      ps.setLong(6, createdMs);
      ps.executeUpdate();
    }
  }

  /** Records the test program's process, so a restart after an agent crash can stop it. */
  void recordChild(UUID runId, ProcessHandle child) {
    store.write(connection -> {
      try (PreparedStatement ps = connection.prepareStatement(
          "UPDATE runs SET child_pid = ?, child_start_ms = ? WHERE run_id = ?")) {
        ps.setLong(1, child.pid());
        ps.setLong(2, startMillis(child));
        ps.setString(3, runId.toString());
        ps.executeUpdate();
      }
      return null;
    });
  }

  /** Records how far the run was journaled, inside the writer's batch; null fields stay unchanged. */
  static void updateProgress(Connection connection, RunProgress p) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(
        "UPDATE runs SET stdout_lines = coalesce(?, stdout_lines), stderr_lines = coalesce(?, stderr_lines),"
            + " next_chunk = coalesce(?, next_chunk), steps_emitted = coalesce(?, steps_emitted),"
            + " last_step = coalesce(?, last_step) WHERE run_id = ?")) {
      ps.setObject(1, p.stdoutLines());
      ps.setObject(2, p.stderrLines());
      ps.setObject(3, p.nextChunk());
      ps.setObject(4, p.stepsEmitted());
      ps.setString(5, p.lastStep());
      ps.setString(6, p.runId().toString());
      ps.executeUpdate();
    }
  }

  /** Marks the run FINISHED, inside the writer's batch that journals its run.finished. */
  static void markFinished(Connection connection, UUID runId) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("UPDATE runs SET state = 'FINISHED' WHERE run_id = ?")) {
      ps.setString(1, runId.toString());
      ps.executeUpdate();
    }
  }

  /** Runs still ACTIVE, whoever owns them, oldest first. */
  List<JournaledRun> active() {
    return store.read(connection -> {
      try (PreparedStatement ps = connection.prepareStatement(
          "SELECT run_id, dir, started, state, owner_pid, owner_start_ms, child_pid, child_start_ms, stdout_lines,"
              + " stderr_lines, next_chunk, steps_emitted FROM runs WHERE state = 'ACTIVE' ORDER BY created_ms");
           ResultSet rs = ps.executeQuery()) {
        List<JournaledRun> out = new ArrayList<>();
        while (rs.next()) {
          out.add(new JournaledRun(UUID.fromString(rs.getString(1)), Path.of(rs.getString(2)), rs.getBytes(3),
              RunState.valueOf(rs.getString(4)), rs.getLong(5), rs.getLong(6), rs.getObject(7) == null
              ? null : rs.getLong(7), rs.getObject(8) == null ? null : rs.getLong(8), rs.getLong(9), rs.getLong(10),
              rs.getLong(11), rs.getLong(12)));
        }
        return out;
      }
    });
  }

  /** The newest ACTIVE run whose owner is alive, whichever agent process of the station that is. */
  Optional<RunInProgress> inProgress() {
    return store.read(connection -> {
      try (PreparedStatement ps = connection.prepareStatement(
          "SELECT run_id, started, owner_pid, owner_start_ms, last_step FROM runs WHERE state = 'ACTIVE'"
              + " ORDER BY created_ms DESC");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (processAlive(rs.getLong(3), rs.getLong(4))) {
            String serial = EventJson.mapper().readTree(rs.getBytes(2)).path("serialNumber").asText(null);
            return Optional.of(new RunInProgress(UUID.fromString(rs.getString(1)), serial, rs.getString(5)));
          }
        }
        return Optional.empty();
      }
    });
  }

  /** Whether the process that owns {@code run} is still alive (same pid and same start time). */
  static boolean ownerAlive(JournaledRun run) {
    return processAlive(run.ownerPid(), run.ownerStartMs());
  }

  /** The pid is alive and is still the same process (a reused pid has another start time). */
  private static boolean processAlive(long pid, long startMs) {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(p -> startMillis(p) == startMs).orElse(false);
  }

  /** The start time of a process as the OS reports it, 0 when unknown. */
  static long startMillis(ProcessHandle process) {
    return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
  }

  private static byte[] writeJson(Object value) {
    try {
      return EventJson.mapper().writeValueAsBytes(value);
    } catch (IOException e) {
      throw new JournalException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }
}
