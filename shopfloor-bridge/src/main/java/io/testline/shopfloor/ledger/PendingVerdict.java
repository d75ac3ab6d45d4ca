package io.testline.shopfloor.ledger;

import io.testline.schemas.Verdict;
import java.time.Instant;
import java.util.UUID;

/** A final verdict recorded in the ledger and not yet acknowledged by Kafka. */
public record PendingVerdict(UUID runId, String serialNumber, String stationId, Verdict verdict, String code,
    String message, int attempts, Long latencyMs, String shopfloorReference, Instant verdictAt, UUID eventId) {}
