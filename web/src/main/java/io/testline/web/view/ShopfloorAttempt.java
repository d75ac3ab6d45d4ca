package io.testline.web.view;

import java.time.Instant;

/**
 * One answered submission attempt of a run to the shopfloor: RETRY (a transient failure, {@code message} says which,
 * tried again at {@code nextAttemptAt}), ACCEPTED (with the shopfloor's {@code reference}), REJECTED (with its code
 * and message) or DEAD (given up).
 */
public record ShopfloorAttempt(int attempt, Instant answeredAt, String outcome, String code, String message,
    String reference, Instant nextAttemptAt) {}
