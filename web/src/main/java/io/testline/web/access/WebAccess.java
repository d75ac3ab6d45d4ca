package io.testline.web.access;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HandlerType;
import io.javalin.http.SameSite;
import io.micrometer.core.instrument.Metrics;
import io.testline.access.AccessDenied;
import io.testline.access.ApiGuard;
import io.testline.access.Authenticator;
import io.testline.access.Principal;
import io.testline.access.Role;
import io.testline.access.SessionCodec;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access to the web interface. Without users or a token (only allowed on loopback) every request acts as the local
 * operator, as before. With them, a request is authenticated by its session cookie ({@link SessionCodec}: signed,
 * expiring, no server-side state, so any instance accepts it) or by an {@code Authorization} header (bearer token
 * or Basic, for scripts); without either a page request is redirected to {@code /login?next=...} and any other
 * request (htmx, SSE, JSON) gets 401 JSON. Every request that changes something (any method but GET, HEAD and
 * OPTIONS) must carry the CSRF token of its session in the form field {@value #CSRF_FIELD} or the header
 * {@value #CSRF_HEADER}; the page script copies it from the {@value #CSRF_COOKIE} cookie into every form and htmx
 * request. Admin-only actions call {@link #requireAdmin(Context)}.
 */
public final class WebAccess {
  private static final Logger log = LoggerFactory.getLogger(WebAccess.class);
  public static final String SESSION_COOKIE = "tl_session";
  public static final String CSRF_COOKIE = "tl_csrf";
  static final String ANON_COOKIE = "tl_anon";
  public static final String CSRF_FIELD = "_csrf";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  private static final String BINDING = "testline.csrfBinding";
  private static final String BEARER = "testline.bearer";
  private static final Set<String> OPEN_PREFIXES = Set.of("/assets/", "/webjars/");
  private static final Set<String> OPEN_PATHS = Set.of("/login", "/health", "/favicon.ico");

  private final Authenticator authenticator;
  private final SessionCodec sessions;
  private final WebAccessConfig config;
  private final LoginPage loginPage;
  private final Clock clock;

  public WebAccess(WebAccessConfig config, LoginPage loginPage, Clock clock) {
    this.config = config;
    this.authenticator = new Authenticator(config.access(), "web", Metrics.globalRegistry);
    this.sessions = config.sessionKey() == null ? SessionCodec.withRandomKey() : new SessionCodec(config.sessionKey());
    this.loginPage = loginPage;
    this.clock = clock;
    if (authenticator.enabled() && config.sessionKey() == null) {
      log.warn("web: no web.sessionKey set; sessions are signed with a random key of this process, so a restart "
          + "logs everybody out and other instances behind a load balancer do not accept them");
    }
  }

  /** Registers the access check before every route, and the login, logout and session routes. */
  public void register(JavalinConfig c) {
    c.routes.before(this::check);
    c.routes.get("/login", ctx -> loginPage.show(ctx, csrfToken(ctx), safeNext(ctx.queryParam("next")), null,
        authenticator.enabled()));
    c.routes.post("/login", this::login);
    c.routes.post("/logout", this::logout);
    c.routes.get("/session", ctx -> loginPage.sessionBar(ctx, principal(ctx), csrfToken(ctx),
        authenticator.enabled()));
    c.routes.exception(LoginRequired.class, (e, ctx) ->
        ctx.redirect("/login?next=" + java.net.URLEncoder.encode(e.next(), java.nio.charset.StandardCharsets.UTF_8)));
  }

  /** The principal the request acts for (set by the access check). */
  public static Principal principal(Context ctx) {
    return ctx.attribute(ApiGuard.PRINCIPAL);
  }

  /** Throws {@link AccessDenied} (403) unless the request acts for an admin: the guard of every admin action. */
  public static void requireAdmin(Context ctx) {
    ApiGuard.require(ctx, Role.ADMIN);
  }

  /** The CSRF token of this request's session, for a form field. */
  public String csrfToken(Context ctx) {
    return sessions.csrfToken(ctx.attribute(BINDING));
  }

  private void check(Context ctx) {
    String path = ctx.path();
    if (OPEN_PREFIXES.stream().anyMatch(path::startsWith)) {
      return;
    }
    Principal principal = authenticate(ctx);
    boolean open = OPEN_PATHS.contains(path);
    if (principal == null && !open) {
      if (wantsPage(ctx)) {
        throw new LoginRequired(path + (ctx.queryString() == null ? "" : "?" + ctx.queryString()));
      }
      throw new AccessDenied(401, "authentication required: log in at /login or send Authorization: Bearer "
          + "<token>", null);
    }
    ctx.attribute(ApiGuard.PRINCIPAL, principal);
    bindCsrf(ctx);
    if (changesSomething(ctx) && ctx.attribute(BEARER) == null) {
      String given = Optional.ofNullable(ctx.header(CSRF_HEADER)).orElseGet(() -> ctx.formParam(CSRF_FIELD));
      if (!sessions.validCsrf(ctx.attribute(BINDING), given)) {
        throw new AccessDenied(403, "the CSRF token is missing or not this session's; reload the page and "
            + "try again", null);
      }
    }
  }

  /** The request's principal, null when it has none; 401 for credentials that are wrong. */
  private Principal authenticate(Context ctx) {
    if (!authenticator.enabled()) {
      return Principal.local();
    }
    String header = ctx.header("Authorization");
    if (header != null) {
      Authenticator.Result result = authenticator.authorize(header, ctx.ip());
      if (result instanceof Authenticator.Accepted accepted) {
        // a browser never adds this header by itself (we send no Basic challenge), so no CSRF check is needed
        ctx.attribute(BEARER, Boolean.TRUE);
        return accepted.principal();
      }
      if (result instanceof Authenticator.Refused refused) {
        throw new AccessDenied(401, refused.reason(), null);
      }
    }
    return session(ctx.cookie(SESSION_COOKIE)).orElse(null);
  }

  /** The principal of a session value still valid now, for a user (or token) whose credential is unchanged. */
  private Optional<Principal> session(String value) {
    return sessions.read(value, clock.instant())
        .filter(s -> authenticator.credentialTag(s.name()).map(s.credentialTag()::equals).orElse(false))
        .flatMap(s -> authenticator.principal(s.name()));
  }

  /** Each request's CSRF binding: its session, or for a browser without one a random seed of its own. */
  private void bindCsrf(Context ctx) {
    String session = ctx.cookie(SESSION_COOKIE);
    String binding;
    if (session != null && session(session).isPresent()) {
      binding = "s|" + session;
    } else {
      String seed = ctx.cookie(ANON_COOKIE);
      if (seed == null || seed.length() != 32 || !seed.matches("[A-Za-z0-9_-]+")) {
        seed = SessionCodec.randomSeed();
        ctx.cookie(cookie(ANON_COOKIE, seed, -1, true, ctx));
      }
      binding = "a|" + seed;
    }
    ctx.attribute(BINDING, binding);
    String token = sessions.csrfToken(binding);
    if (!token.equals(ctx.cookie(CSRF_COOKIE))) {
      // readable by the page's script, which copies it into forms and htmx requests; useless to another site
      ctx.cookie(cookie(CSRF_COOKIE, token, -1, false, ctx));
    }
  }

  private void login(Context ctx) {
    String user = ctx.formParam("user");
    String password = ctx.formParam("password");
    String next = safeNext(ctx.formParam("next"));
    Optional<Principal> who;
    try {
      // the throttle logs and counts each failure
      who = user == null || user.isBlank()
          ? authenticator.token(password, ctx.ip())
          : authenticator.login(user.strip(), password, ctx.ip());
    } catch (AccessDenied throttled) {
      throttled.applyTo(ctx);
      loginPage.show(ctx, csrfToken(ctx), next, throttled.getMessage() + ".",
          authenticator.enabled());
      return;
    }
    if (!authenticator.enabled() || who.isEmpty()) {
      ctx.status(401);
      loginPage.show(ctx, csrfToken(ctx), next, "Wrong user name or password.", authenticator.enabled());
      return;
    }
    Principal p = who.get();
    Instant expires = clock.instant().plus(config.sessionTtl());
    String value = sessions.issue(p.name(), authenticator.credentialTag(p.name()).orElseThrow(), expires);
    ctx.cookie(cookie(SESSION_COOKIE, value, (int) config.sessionTtl().toSeconds(), true, ctx));
    ctx.cookie(cookie(CSRF_COOKIE, sessions.csrfToken("s|" + value), -1, false, ctx));
    log.info("web: {} logged in as {}", p.name(), p.role().label());
    ctx.redirect(next);
  }

  private void logout(Context ctx) {
    ctx.cookie(cookie(SESSION_COOKIE, "", 0, true, ctx));
    ctx.cookie(cookie(CSRF_COOKIE, "", 0, false, ctx));
    ctx.redirect(authenticator.enabled() ? "/login" : "/");
  }

  private Cookie cookie(String name, String value, int maxAge, boolean httpOnly, Context ctx) {
    boolean secure = config.https() != null || "https".equals(ctx.scheme());
    return new Cookie(name, value, "/", maxAge, secure, httpOnly, null, SameSite.STRICT);
  }

  /** Only a path of this site: never another origin ({@code //host}, {@code /\host}, {@code https:}). */
  static String safeNext(String next) {
    if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")
        || next.chars().anyMatch(ch -> ch < 0x20) || next.length() > 2000) {
      return "/";
    }
    return next;
  }

  private static boolean wantsPage(Context ctx) {
    String accept = ctx.header("Accept");
    return ctx.method() == HandlerType.GET && ctx.header("HX-Request") == null && accept != null
        && accept.contains("text/html");
  }

  private static boolean changesSomething(Context ctx) {
    HandlerType m = ctx.method();
    return m != HandlerType.GET && m != HandlerType.HEAD && m != HandlerType.OPTIONS;
  }

  /** A page request without a session: answered with a redirect to the login page. */
  static final class LoginRequired extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String next;

    LoginRequired(String next) {
      super("login required", null, false, false);
      this.next = next;
    }

    String next() {
      return next;
    }
  }
}
