package io.testline.interop.store;

import java.time.Instant;

/**
 * One crash site and how often programs crashed or hung there.
 *
 * @param crashSite the site's key, {@code file:line in function}, what {@code crashSite=} filters runs by
 * @param crashFile the file, null when unknown
 * @param crashLine the line, null when unknown
 * @param crashFunction the function, null when unknown
 * @param runs the runs with this site (CRASHED and TIMEOUT alike)
 * @param crashed those of them CRASHED
 * @param timedOut those of them TIMEOUT
 * @param units distinct serial numbers among them
 * @param lastStartedAt the start of the latest of them
 */
public record CrashSiteCount(String crashSite, String crashFile, Integer crashLine, String crashFunction, long runs,
    long crashed, long timedOut, long units, Instant lastStartedAt) {}
