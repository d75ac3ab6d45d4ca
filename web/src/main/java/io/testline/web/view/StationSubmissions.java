package io.testline.web.view;

import java.time.Instant;

/**
 * A station's open and failed shopfloor submissions.
 *
 * @param queued pending or in flight
 * @param oldestQueuedAt when the oldest queued one was taken in; null when none is queued
 */
public record StationSubmissions(String stationId, long queued, Instant oldestQueuedAt, long rejected, long dead) {}
