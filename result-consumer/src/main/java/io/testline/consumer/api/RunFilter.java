package io.testline.consumer.api;

import java.time.Instant;
import java.util.UUID;

/**
 * Which runs to list, newest first; every field but {@code limit} optional. {@code from} is inclusive, {@code to}
 * exclusive, on the run's start. {@code crashSite} is the site key {@code file:line in function} as
 * {@code /api/crashes} lists it. The cursor continues a listing after the run it names.
 */
record RunFilter(String serial, String station, String outcome, String program, String crashSite, Instant from,
    Instant to, int limit, Instant afterStartedAt, UUID afterRunId) {}
