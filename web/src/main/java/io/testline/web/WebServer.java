package io.testline.web;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import io.testline.access.AccessDenied;
import io.testline.access.HttpsConnector;
import io.testline.web.access.LoginPage;
import io.testline.web.access.WebAccess;
import io.testline.web.access.WebAccessConfig;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.staticfiles.Location;
import io.testline.interop.store.CrashSites;
import io.testline.shopfloor.ledger.Ledger;
import io.testline.web.live.LineStream;
import io.testline.web.live.StationFeed;
import io.testline.web.store.LineQueries;
import io.testline.web.store.MeasurementQueries;
import io.testline.web.store.RunDetails;
import io.testline.web.store.RunPageQueries;
import io.testline.web.store.ShopfloorQueries;
import io.testline.web.store.RunTrailQueries;
import io.testline.web.store.YieldPageQueries;
import io.testline.web.view.Fmt;
import io.testline.web.view.Renderer;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * testline's web interface over the result database (the tables result-consumer writes), served by Javalin:
 * <pre>
 * GET /                 the line: a tile per station, live over SSE
 * GET /runs             runs, filtered, newest first, keyset paging
 * GET /runs/{runId}     one run: steps, measurements, failing step, log (polls /body while in progress);
 *                       attachments, shopfloor history, Kafka provenance
 * GET /runs/{runId}/export.{json|junit|cfx|openhtf}   the run as a download ({@link ExportDownload})
 * GET /units/{serial}   every run of a serial, oldest first (also /units?serial=, for any serial)
 * GET /shopfloor        submissions queued, rejected and dead per station; POST /shopfloor/redrive (admin)
 * GET /audit            a window's completeness as `testline audit` proves it; /audit/events.jsonl its events
 * GET /yield            first-pass and final yield by day, shift, station or operation; Pareto of failing steps
 * GET /measurements     one measurement's control chart, histogram, Cp and Cpk, per station
 * GET /measurements/series  that chart's data as JSON arrays
 * GET /crashes          crashed and hung runs counted by crash site (a Pareto), each site linking to its runs
 * GET /events/line      the line's server-sent events (htmx SSE extension)
 * GET /health           200 when the database answers, else 503
 * GET /login, POST /login, POST /logout, GET /session   see {@link WebAccess}
 * </pre>
 * Closed by default: without users or a token ({@link WebAccessConfig}) it serves only a loopback address, where
 * nobody logs in; with them every page needs a login and every action a CSRF token.
 * Stateless: live updates come from PostgreSQL LISTEN/NOTIFY ({@link StationFeed}), so any number of instances may
 * serve the same database. Scripts and styles are served from this jar (WebJars and {@code /assets}). It reads,
 * except for the shopfloor redrive, which goes through the shopfloor-bridge's ledger; the caller owns the
 * {@link DataSource}. Start and close are idempotent.
 */
public final class WebServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebServer.class);
  private static final Duration FLUSH_EVERY = Duration.ofMillis(200);
  /** htmx adds one inline style element for its indicators, hence 'unsafe-inline' for styles, never for scripts. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' "
      + "'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
      + "base-uri 'none'; object-src 'none'";

  private final WebConfig config;
  private final DataSource dataSource;
  private final Javalin app;
  private final StationFeed feed;
  private final LineStream stream;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  private final WebAccessConfig accessConfig;

  /** The web interface without login: only on a loopback address. */
  public WebServer(DataSource dataSource, WebConfig config) {
    this(dataSource, config, WebAccessConfig.none());
  }

  /** @throws io.testline.config.ConfigException when {@code config.host()} is not allowed by {@code access} */
  public WebServer(DataSource dataSource, WebConfig config, WebAccessConfig access) {
    this(dataSource, config, access, null);
  }

  /**
   * @param audit where the audit page reads Kafka; null for none (the page says so)
   * @throws io.testline.config.ConfigException when {@code config.host()} is not allowed by {@code access}
   */
  public WebServer(DataSource dataSource, WebConfig config, WebAccessConfig access, AuditSource audit) {
    this(dataSource, config, access, audit, c -> { });
  }

  /** @param moreRoutes further routes, registered after the access check (tests add an admin action) */
  WebServer(DataSource dataSource, WebConfig config, WebAccessConfig access, AuditSource audit,
      Consumer<JavalinConfig> moreRoutes) {
    access.requireBindAllowed(config.host());
    this.config = config;
    this.accessConfig = access;
    this.dataSource = dataSource;
    Fmt fmt = new Fmt(config.zone());
    Renderer renderer = new Renderer();
    LineQueries lineQueries = new LineQueries(dataSource);
    this.stream = new LineStream(lineQueries, renderer, fmt, config.shiftStarts(), Clock.systemUTC());
    this.feed = new StationFeed(dataSource, stream, FLUSH_EVERY);
    Pages pages = new Pages(lineQueries, new RunPageQueries(dataSource),
        new RunDetails(dataSource, Pages.LOG_LINES), new RunTrailQueries(dataSource),
        stream, renderer, fmt, config.apiBase());
    WebAccess webAccess = new WebAccess(access, new LoginPage(renderer, fmt), Clock.systemUTC());
    AdminGuard guard = new AdminGuard(webAccess);
    ShopfloorPages shopfloor = new ShopfloorPages(pages, new ShopfloorQueries(dataSource), new Ledger(dataSource),
        guard, Clock.systemUTC());
    AuditPages audits = new AuditPages(pages, audit, dataSource::getConnection, Clock.systemUTC());
    ChartPages charts = new ChartPages(pages, new YieldPageQueries(dataSource, config.zone(), config.shiftStarts()),
        new MeasurementQueries(dataSource), config.zone(), Clock.systemUTC());
    CrashPages crashes = new CrashPages(pages, new CrashSites(dataSource), Clock.systemUTC());
    this.app = Javalin.create(c -> {
      if (access.https() != null) {
        HttpsConnector.install(c.jetty, access.https(),
            () -> new HttpsConnector.Address(config.host(), config.port()));
      }
      c.startup.showJavalinBanner = false;
      c.staticFiles.enableWebjars();
      c.staticFiles.add(s -> {
        s.hostedPath = "/assets";
        s.directory = "/io/testline/web/assets";
        s.location = Location.CLASSPATH;
      });
      // defence in depth behind the templates' escaping: only this server's scripts run, nothing frames the pages
      c.routes.before(ctx -> {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "same-origin");
      });
      webAccess.register(c);
      moreRoutes.accept(c);
      c.routes.exception(AccessDenied.class, (e, ctx) -> {
        e.applyTo(ctx);
        String accept = ctx.header("Accept");
        if (accept != null && accept.contains("text/html") && ctx.header("HX-Request") == null) {
          pages.error(ctx, e.status(), e.getMessage());
        } else {
          ctx.status(e.status()).json(Map.of("error", e.getMessage()));
        }
      });
      c.routes.get("/", pages::line);
      c.routes.get("/runs", pages::runs);
      c.routes.get("/runs/{runId}", pages::run);
      c.routes.get("/runs/{runId}/body", pages::runBody);
      c.routes.get("/runs/{runId}/export.{format}", new ExportDownload(dataSource, pages));
      c.routes.get("/units", pages::unitByQuery);
      c.routes.get("/units/{serial}", pages::unit);
      c.routes.get("/shopfloor", shopfloor::page);
      c.routes.post("/shopfloor/redrive", shopfloor::redrive);
      c.routes.get("/audit", audits::page);
      c.routes.get("/audit/events.jsonl", audits::events);
      c.routes.get("/yield", charts::yield);
      c.routes.get("/measurements", charts::measurements);
      c.routes.get("/measurements/series", charts::measurementSeries);
      c.routes.get("/crashes", crashes::page);
      c.routes.sse("/events/line", client -> {
        try {
          stream.connect(client);
        } catch (SQLException e) {
          log.warn("web: could not start a line stream: {}", e.toString(), e);
          client.close();
        }
      });
      c.routes.get("/health", ctx -> {
        boolean up = databaseAnswers();
        ctx.status(up ? 200 : 503).result(up ? "UP" : "DOWN");
      });
      c.routes.exception(SQLException.class, (e, ctx) -> {
        log.warn("web: {} failed: {}", ctx.path(), e.toString(), e);
        pages.error(ctx, 503, "The result database did not answer. Try again in a moment.");
      });
      c.routes.exception(ForbiddenResponse.class, (e, ctx) -> pages.error(ctx, 403, e.getMessage()));
      c.routes.error(404, "*", ctx -> {
        if (ctx.result() == null) {
          pages.error(ctx, 404, "No page at " + ctx.path());
        }
      });
    });
  }

  /** Starts listening for changes and serving on the configured host and port. */
  public WebServer start() {
    if (closed.get()) {
      throw new IllegalStateException("the web server was closed");
    }
    if (started.compareAndSet(false, true)) {
      feed.start();
      app.start(config.host(), config.port());
      log.info("web interface listening on {}", uri());
    }
    return this;
  }

  public int port() {
    return app.port();
  }

  /** The base URI the pages are served at, ending in {@code /}. */
  public URI uri() {
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    return URI.create((accessConfig.https() == null ? "http" : "https") + "://" + host + ":" + port() + "/");
  }

  private boolean databaseAnswers() {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid(2);
    } catch (SQLException e) {
      log.debug("web health: database unreachable", e);
      return false;
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      feed.close();
      stream.closeAll();
      app.stop();
    }
  }
}
