package io.testline.web.view;

import java.time.Instant;
import java.util.List;

/**
 * A run's submission to the shopfloor as shopfloor-bridge's ledger holds it: its state now, and every attempt that
 * got an answer. {@code attempts} counts the attempts started, which may exceed the answered ones (one in flight, a
 * bridge that died mid-attempt).
 */
public record ShopfloorHistory(String state, Instant receivedAt, int attempts, Instant firstAttemptAt,
    Instant nextAttemptAt, String lastError, String verdict, String verdictCode, String verdictMessage,
    String reference, Instant verdictAt, List<ShopfloorAttempt> answered) {}
