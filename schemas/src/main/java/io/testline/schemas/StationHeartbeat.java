package io.testline.schemas;

import java.util.UUID;

/**
 * Periodic station health.
 *
 * @param journalDepth      events in the journal the broker has not acknowledged yet
 * @param journalAlarm      true once the journal passed its alarm threshold (80% of capacity)
 * @param oldestUnsentAgeMs age of the oldest unacknowledged event, 0 when none
 */
public record StationHeartbeat(
    long journalDepth,
    Long journalBytes,
    Long journalCapacityBytes,
    Boolean journalAlarm,
    long oldestUnsentAgeMs,
    long diskFreeBytes,
    Long uptimeMs,
    UUID activeRunId,
    String activeSerialNumber,
    String activeStep) implements Payload {}
