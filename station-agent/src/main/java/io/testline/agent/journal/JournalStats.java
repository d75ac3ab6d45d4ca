package io.testline.agent.journal;

/**
 * The journal's backlog at one moment.
 *
 * @param depth           events not yet acknowledged by the broker
 * @param bytes           size of every event held, the quantity the bound applies to
 * @param capacityBytes   the bound ({@code journal.maxBytes})
 * @param oldestCreatedMs when the oldest unacknowledged event was journaled; 0 when there is none
 * @param alarm           true at or above the alarm threshold
 * @param diskFreeBytes   free space on the journal's file system
 * @param awaitingConfirmation events the broker acknowledged that wait for their run's confirmation (with
 *                        {@code journal.keepUntil: verdict}); they count in {@code bytes}, not in {@code depth}.
 *                        Sent station events kept for a resend request count in {@code bytes} only
 */
public record JournalStats(long depth, long bytes, long capacityBytes, long oldestCreatedMs, boolean alarm,
    long diskFreeBytes, long awaitingConfirmation) {

  /** Age of the oldest unacknowledged event at {@code nowMs}; 0 when the journal is empty. */
  public long oldestUnsentAgeMs(long nowMs) {
    return oldestCreatedMs == 0 ? 0 : Math.max(0, nowMs - oldestCreatedMs);
  }
}
