package io.testline.shopfloor.ledger;

import java.time.Instant;
import java.util.UUID;

/**
 * A run a worker has claimed for one attempt. {@code attempts} (this one included) is also the fencing token: the
 * ledger applies the attempt's outcome only while the row still carries it, so a worker whose lease expired and
 * whose run was claimed again cannot overwrite the newer attempt.
 */
public record Claim(UUID runId, String serialNumber, String stationId, Instant finishedAt, byte[] payload,
    int attempts, Instant firstAttemptAt) {}
