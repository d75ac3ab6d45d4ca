package io.testline.web.view;

import java.time.Instant;
import java.util.List;

/**
 * The shopfloor page: per station what waits for or failed at the shopfloor, and the submissions themselves.
 *
 * @param station the station filter, or null for all
 * @param notice what the last action did (a redrive), or null
 * @param missing the database has no shopfloor ledger (the shopfloor-bridge keeps it elsewhere or never ran)
 * @param mayRedrive whether this browser is offered the redrive action
 * @param csrf the token the redrive form carries
 */
public record ShopfloorPage(String station, Instant now, List<StationSubmissions> stations, List<Submission> backlog,
    List<Submission> rejected, List<Submission> dead, int limit, String notice, boolean missing, boolean mayRedrive,
    String csrf) {

  public long queuedTotal() {
    return stations.stream().mapToLong(StationSubmissions::queued).sum();
  }

  public long rejectedTotal() {
    return stations.stream().mapToLong(StationSubmissions::rejected).sum();
  }

  public long deadTotal() {
    return stations.stream().mapToLong(StationSubmissions::dead).sum();
  }

  /** The oldest queued submission's time of intake, over every station shown; null when none waits. */
  public Instant oldestQueuedAt() {
    return stations.stream().map(StationSubmissions::oldestQueuedAt).filter(java.util.Objects::nonNull)
        .min(Instant::compareTo).orElse(null);
  }

  /** How long {@code since} is ago, in milliseconds, for {@link Fmt#duration}. */
  public Long ageMs(Instant since) {
    return since == null ? null : Math.max(0, now.toEpochMilli() - since.toEpochMilli());
  }
}
