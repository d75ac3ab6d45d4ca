package io.testline.schemas;

/** Step and measurement tallies of a finished run. */
public record Counts(
    long steps, long passed, long failed, Long errored, Long skipped, Long measurements, Long measurementsFailed) {}
