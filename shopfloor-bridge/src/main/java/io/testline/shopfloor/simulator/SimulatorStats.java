package io.testline.shopfloor.simulator;

/**
 * Counters of a {@link ShopfloorSimulator}.
 *
 * @param requests     submissions received (including faulted ones)
 * @param accepted     distinct idempotency keys accepted: the number of effects
 * @param rejected     distinct idempotency keys rejected
 * @param duplicates   repeats of a known idempotency key, answered with the original answer and no effect
 * @param errors       requests answered 503 by fault injection
 * @param dropped      connections dropped by fault injection
 * @param doubleEffects runs (by body runId) accepted under more than one key: must stay 0 for a correct client
 */
public record SimulatorStats(long requests, long accepted, long rejected, long duplicates, long errors, long dropped,
    long doubleEffects) {}
