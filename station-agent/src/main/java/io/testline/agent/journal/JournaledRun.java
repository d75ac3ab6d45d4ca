package io.testline.agent.journal;

import java.nio.file.Path;
import java.util.UUID;

/**
 * A run the journal knows of, with the process that owns it and how far its output was journaled.
 *
 * @param startedJson  the run's {@code run.started} data, to close it after a crash
 * @param ownerPid     the agent process running it; with {@code ownerStartMs} tells a live owner from a dead one
 * @param childPid     the test program, so a restart can stop an orphaned one; null before it started
 */
public record JournaledRun(UUID runId, Path dir, byte[] startedJson, RunState state, long ownerPid, long ownerStartMs,
    Long childPid, Long childStartMs, long stdoutLines, long stderrLines, long nextChunk, long stepsEmitted) {}
