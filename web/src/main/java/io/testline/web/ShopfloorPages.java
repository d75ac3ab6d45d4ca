package io.testline.web;

import io.javalin.http.Context;
import io.testline.shopfloor.ledger.Ledger;
import io.testline.web.store.ShopfloorQueries;
import io.testline.web.store.ShopfloorQueries.Kind;
import io.testline.web.view.ShopfloorPage;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /shopfloor}: per station the submissions waiting for the shopfloor (and for how long), rejected and
 * dead; {@code POST /shopfloor/redrive}: makes a DEAD submission pending again through the shopfloor-bridge's own
 * {@link Ledger#redrive}, so a running bridge submits it at its next poll. The action passes {@link AdminGuard}.
 */
final class ShopfloorPages {
  private static final Logger log = LoggerFactory.getLogger(ShopfloorPages.class);
  static final int LIMIT = 200;

  private final Pages pages;
  private final ShopfloorQueries queries;
  private final Ledger ledger;
  private final AdminGuard guard;
  private final Clock clock;

  ShopfloorPages(Pages pages, ShopfloorQueries queries, Ledger ledger, AdminGuard guard, Clock clock) {
    this.pages = pages;
    this.queries = queries;
    this.ledger = ledger;
    this.guard = guard;
    this.clock = clock;
  }

  void page(Context ctx) throws SQLException {
    String station = Pages.text(ctx, "station");
    String notice = notice(ctx);
    boolean mayRedrive = guard.mayAdminister(ctx);
    ShopfloorPage page;
    if (!queries.ledgerExists()) {
      page = new ShopfloorPage(station, clock.instant(), List.of(), List.of(), List.of(), List.of(), LIMIT, notice,
          true, false, "");
    } else {
      page = new ShopfloorPage(station, clock.instant(), queries.byStation(station),
          queries.list(Kind.BACKLOG, station, LIMIT), queries.list(Kind.REJECTED, station, LIMIT),
          queries.list(Kind.DEAD, station, LIMIT), LIMIT, notice, false, mayRedrive, guard.csrfToken(ctx));
    }
    pages.html(ctx, "shopfloor.jte", Map.of("page", page));
  }

  void redrive(Context ctx) throws SQLException {
    guard.requireAdmin(ctx);
    String text = ctx.formParam("runId");
    UUID runId;
    try {
      runId = UUID.fromString(text == null ? "" : text.strip());
    } catch (IllegalArgumentException e) {
      pages.error(ctx, 400, "runId: \"" + text + "\" is not a run id");
      return;
    }
    boolean redriven = ledger.redrive(runId, clock.instant());
    if (redriven) {
      log.info("web: redrove dead shopfloor submission of run {} from {}", runId, ctx.ip());
    }
    String station = Pages.text(ctx, "station");
    // post/redirect/get: a reload of the page does not post again
    ctx.redirect("/shopfloor?" + (redriven ? "redriven=" : "notdead=") + runId
        + (station == null ? "" : "&station=" + java.net.URLEncoder.encode(station,
            java.nio.charset.StandardCharsets.UTF_8)), io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private static String notice(Context ctx) {
    String redriven = Pages.text(ctx, "redriven");
    if (redriven != null) {
      return "Run " + redriven + " is pending again; the shopfloor-bridge submits it at its next poll.";
    }
    String notDead = Pages.text(ctx, "notdead");
    if (notDead != null) {
      return "Run " + notDead + " was not dead (already redriven or unknown); nothing changed.";
    }
    return null;
  }
}
