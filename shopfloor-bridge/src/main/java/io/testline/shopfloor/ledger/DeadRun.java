package io.testline.shopfloor.ledger;

import java.time.Instant;
import java.util.UUID;

/** A run that became DEAD, as {@code list-dead} shows it. */
public record DeadRun(UUID runId, String serialNumber, String stationId, Instant finishedAt, int attempts,
    Instant deadAt, String lastError) {}
