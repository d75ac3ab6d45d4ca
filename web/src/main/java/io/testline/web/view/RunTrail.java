package io.testline.web.view;

import java.util.List;

/**
 * What the run page shows below the run itself: its steps' attachments, its shopfloor history, and the Kafka
 * position of each of its stored events.
 *
 * @param ledger    where the shopfloor ledger stands for this run: {@link Ledger#SHOWN} with {@code shopfloor},
 *                  {@link Ledger#NOT_SUBMITTED} when the ledger has no row for it (yet), {@link Ledger#UNREADABLE}
 *                  when the database the web reads has no ledger
 */
public record RunTrail(List<AttachmentView> attachments, Ledger ledger, ShopfloorHistory shopfloor,
    List<ProvenanceView> provenance) {

  /** Whether the page can show the run's shopfloor history. */
  public enum Ledger { SHOWN, NOT_SUBMITTED, UNREADABLE }

  /** Whether any attachment's bytes are only at the station. */
  public boolean anyOnlyAtStation() {
    return attachments.stream().anyMatch(a -> a.downloadUrl() == null);
  }
}
