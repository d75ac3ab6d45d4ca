package io.testline.agent.journal;

/**
 * One journaled event waiting for the broker's PUBACK, exactly as it will be published.
 *
 * @param id        the journal's order: events are published in ascending id
 * @param createdMs when the event was made durable, epoch milliseconds
 */
public record JournalEntry(long id, String type, String topic, boolean retained, byte[] payload, long createdMs) {}
