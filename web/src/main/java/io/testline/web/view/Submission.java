package io.testline.web.view;

import java.time.Instant;
import java.util.UUID;

/**
 * One run's submission to the shopfloor as the shopfloor-bridge's ledger holds it.
 *
 * @param state PENDING, IN_FLIGHT, ACCEPTED, REJECTED or DEAD
 * @param queuedAt when the bridge took the finished run in
 * @param nextAttemptAt when a queued run is tried next
 * @param code the shopfloor's rejection code, or DEADLINE for a dead one
 * @param answeredAt when it became final (rejected or dead)
 */
public record Submission(UUID runId, String serial, String stationId, String state, int attempts, Instant queuedAt,
    Instant finishedAt, Instant nextAttemptAt, String lastError, String code, String message, Instant answeredAt) {}
