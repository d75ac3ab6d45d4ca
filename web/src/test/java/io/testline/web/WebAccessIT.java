package io.testline.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.favre.lib.crypto.bcrypt.BCrypt;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.testline.access.SessionCodec;
import io.testline.brokers.Database;
import io.testline.brokers.junit.NetworkAddresses;
import io.testline.brokers.junit.RealBrokers;
import io.testline.config.ConfigSource;
import io.testline.consumer.store.StoreDataSource;
import io.testline.login.LoginThrottle;
import io.testline.web.access.WebAccess;
import io.testline.web.access.WebAccessConfig;
import io.testline.web.support.Chromium;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The web interface served to the network, as a plant runs it: bound to a non-loopback address of this machine
 * with users and a token configured, every page needs a login, every action a CSRF token, admin actions the role
 * admin; sessions are signed cookies a forger or an old login cannot reuse. The login itself through the real
 * Chromium.
 */
@ExtendWith(RealBrokers.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebAccessIT {
  private static final String SESSION_KEY = "web-access-it-session-key-0123456789abcdef";
  private static final String TOKEN = "web-access-it-token-0123456789";

  private HikariDataSource dataSource;
  private WebServer web;
  private URI base;

  @BeforeAll
  void start(Database db) {
    String address = NetworkAddresses.nonLoopbackOrSkip();
    dataSource = StoreDataSource.create(db.jdbcUrl(), db.user(), db.password(), 4, Duration.ofSeconds(5));
    StoreDataSource.migrate(dataSource);
    WebAccessConfig access = WebAccessConfig.load(ConfigSource.of(Map.of(
        "web.users", List.of("alice:" + hash("alice-pw"), "bob:" + hash("bob-pw")),
        "web.admins", List.of("alice"),
        "web.authToken", TOKEN,
        "web.sessionKey", SESSION_KEY)), false);
    web = new WebServer(dataSource, new WebConfig(address, 0, ZoneOffset.UTC, WebConfig.DEFAULT_SHIFTS, null),
        access, null, c -> c.routes.post("/test/admin-action", ctx -> {
          WebAccess.requireAdmin(ctx);
          ctx.result("done by " + WebAccess.principal(ctx).name());
        })).start();
    base = web.uri();
  }

  @AfterAll
  void stop() {
    if (web != null) {
      web.close();
    }
    if (dataSource != null) {
      dataSource.close();
    }
  }

  @Test
  void a_page_without_login_redirects_to_the_login_and_other_requests_get_401_json() throws Exception {
    Browser anonymous = new Browser();
    HttpResponse<String> page = anonymous.get("/runs?station=FCT-1", "text/html");
    assertThat(page.statusCode()).isEqualTo(302);
    assertThat(page.headers().firstValue("Location")).hasValue("/login?next=%2Fruns%3Fstation%3DFCT-1");
    for (String path : List.of("/events/line", "/runs", "/session")) {
      HttpResponse<String> api = anonymous.send(HttpRequest.newBuilder(base.resolve(path))
          .header("HX-Request", "true").header("Accept", "*/*"));
      assertThat(api.statusCode()).as(path).isEqualTo(401);
      assertThat(api.headers().firstValue("Content-Type").orElse("")).as(path).contains("json");
      assertThat(api.body()).as(path).contains("authentication required");
    }
    assertThat(anonymous.get("/health", "*/*").statusCode()).as("probes stay open").isEqualTo(200);
    assertThat(anonymous.get("/assets/testline.css", "*/*").statusCode()).isEqualTo(200);
    assertThat(anonymous.get("/login", "text/html").statusCode()).isEqualTo(200);
  }

  @Test
  void a_wrong_password_or_token_is_refused_and_the_right_ones_are_let_in() throws Exception {
    Browser b = new Browser();
    HttpResponse<String> wrong = b.login("alice", "bob-pw");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("Wrong user name or password");
    assertThat(b.cookie(WebAccess.SESSION_COOKIE)).isNull();
    assertThat(b.login("", TOKEN + "x").statusCode()).isEqualTo(401);

    assertThat(b.send(HttpRequest.newBuilder(base.resolve("/runs")).header("Authorization", "Bearer wrong-token"))
        .statusCode()).isEqualTo(401);
    assertThat(new Browser().send(HttpRequest.newBuilder(base.resolve("/runs"))
        .header("Authorization", "Bearer " + TOKEN)).statusCode()).isEqualTo(200);

    HttpResponse<String> right = b.login("alice", "alice-pw");
    assertThat(right.statusCode()).isEqualTo(302);
    assertThat(right.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
        .startsWith(WebAccess.SESSION_COOKIE + "=").contains("HttpOnly").containsIgnoringCase("SameSite=Strict"));
    assertThat(b.get("/runs", "text/html").statusCode()).isEqualTo(200);
  }

  @Test
  void a_viewer_cannot_use_an_admin_action_and_an_action_without_the_csrf_token_is_refused() throws Exception {
    Browser viewer = new Browser();
    viewer.login("bob", "bob-pw");
    HttpResponse<String> denied = viewer.post("/test/admin-action", Map.of(WebAccess.CSRF_FIELD,
        viewer.cookie(WebAccess.CSRF_COOKIE)));
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.body()).contains("viewer");

    Browser admin = new Browser();
    admin.login("alice", "alice-pw");
    HttpResponse<String> noToken = admin.post("/test/admin-action", Map.of());
    assertThat(noToken.statusCode()).isEqualTo(403);
    assertThat(noToken.body()).contains("CSRF");
    assertThat(admin.post("/test/admin-action", Map.of(WebAccess.CSRF_FIELD, viewer.cookie(WebAccess.CSRF_COOKIE)))
        .statusCode()).as("another session's token").isEqualTo(403);
    HttpResponse<String> done = admin.send(HttpRequest.newBuilder(base.resolve("/test/admin-action"))
        .header(WebAccess.CSRF_HEADER, admin.cookie(WebAccess.CSRF_COOKIE))
        .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(done.body()).isEqualTo("done by alice");
    assertThat(new Browser().send(HttpRequest.newBuilder(base.resolve("/test/admin-action"))
        .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody())).statusCode())
        .as("the token's role is viewer").isEqualTo(403);
  }

  @Test
  void expired_forged_and_tampered_session_cookies_are_refused() throws Exception {
    Browser legit = new Browser();
    legit.login("bob", "bob-pw");
    String value = legit.cookie(WebAccess.SESSION_COOKIE);
    assertThat(withSession(value).statusCode()).isEqualTo(200);

    SessionCodec sameKey = new SessionCodec(SESSION_KEY.getBytes(StandardCharsets.UTF_8));
    String tag = sameKey.read(value, Instant.now()).orElseThrow().credentialTag();
    String expired = sameKey.issue("bob", tag, Instant.now().minusSeconds(1));
    String forged = new SessionCodec("another-key-another-key-another-key!".getBytes(StandardCharsets.UTF_8))
        .issue("alice", tag, Instant.now().plusSeconds(3600));
    String tampered = "x" + value.substring(1);
    String oldPassword = sameKey.issue("bob", "a-credential-tag", Instant.now().plusSeconds(3600));
    for (String bad : List.of(expired, forged, tampered, oldPassword)) {
      HttpResponse<String> r = withSession(bad);
      assertThat(r.statusCode()).as(bad).isEqualTo(302);
      assertThat(r.headers().firstValue("Location").orElse("")).startsWith("/login");
    }
  }

  @Test
  void logging_in_through_chromium_sets_an_http_only_same_site_strict_session_and_logs_out() {
    try (Chromium chromium = Chromium.startOrSkip()) {
      ChromeDriver browser = chromium.driver();
      browser.get(base.resolve("/runs?station=FCT-9").toString());
      assertThat(browser.getCurrentUrl()).contains("/login?next=");
      browser.findElement(By.id("user")).sendKeys("alice");
      browser.findElement(By.id("password")).sendKeys("alice-pw");
      browser.findElement(By.id("login")).click();
      await().atMost(Duration.ofSeconds(20)).until(() -> browser.getCurrentUrl().endsWith("/runs?station=FCT-9"));
      chromium.screenshot("web-login-done");

      Cookie session = browser.manage().getCookieNamed(WebAccess.SESSION_COOKIE);
      assertThat(session).isNotNull();
      assertThat(session.isHttpOnly()).isTrue();
      assertThat(session.getSameSite()).isEqualTo("Strict");
      assertThat((String) browser.executeScript("return document.cookie")).as("the page's script")
          .doesNotContain(WebAccess.SESSION_COOKIE);
      await().atMost(Duration.ofSeconds(20)).until(() -> !browser.findElements(By.id("who")).isEmpty());
      assertThat(browser.findElement(By.id("who")).getText()).isEqualTo("alice · admin");

      browser.findElement(By.id("logout")).click();
      await().atMost(Duration.ofSeconds(20)).until(() -> browser.getCurrentUrl().contains("/login"));
      browser.get(base.resolve("/").toString());
      assertThat(browser.getCurrentUrl()).as("logged out").contains("/login?next=");
    }
  }

  @Test
  void over_https_the_session_cookie_is_secure_too(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path store = io.testline.brokers.junit.TestKeyStore.create(dir.resolve("web.p12"), "store-pw-42",
        base.getHost());
    WebAccessConfig access = WebAccessConfig.load(ConfigSource.of(Map.of(
        "web.users", List.of("alice:" + hash("alice-pw")), "web.sessionKey", SESSION_KEY,
        "web.tls.keyStore", store.toString(), "web.tls.keyStorePassword", "store-pw-42")), false);
    try (WebServer https = new WebServer(dataSource, new WebConfig(base.getHost(), 0, ZoneOffset.UTC,
        WebConfig.DEFAULT_SHIFTS, null), access).start()) {
      assertThat(https.uri().getScheme()).isEqualTo("https");
      HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager())
          .sslContext(io.testline.brokers.junit.TestKeyStore.trusting(store, "store-pw-42")).build();
      client.send(HttpRequest.newBuilder(https.uri().resolve("/login")).build(), HttpResponse.BodyHandlers.ofString());
      String csrf = ((CookieManager) client.cookieHandler().orElseThrow()).getCookieStore().getCookies().stream()
          .filter(c -> c.getName().equals(WebAccess.CSRF_COOKIE)).findFirst().orElseThrow().getValue();
      HttpResponse<String> login = client.send(HttpRequest.newBuilder(https.uri().resolve("/login"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("user=alice&password=alice-pw&next=%2F&_csrf="
              + URLEncoder.encode(csrf, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(login.statusCode()).isEqualTo(302);
      assertThat(login.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
          .startsWith(WebAccess.SESSION_COOKIE + "=").contains("Secure").contains("HttpOnly"));
    }
  }

  @Test
  void repeated_wrong_passwords_lock_the_user_out_with_429_even_for_the_right_password_until_the_delay_passes()
      throws Exception {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(LoginThrottle.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Metrics.addRegistry(meters);
    WebAccessConfig limited = WebAccessConfig.load(ConfigSource.of(Map.of(
        "web.users", List.of("carol:" + hash("carol-pw")), "web.sessionKey", SESSION_KEY,
        "web.login.maxFailuresPerUser", "3", "web.login.delay", "2s")), false);
    try (WebServer throttled = new WebServer(dataSource, new WebConfig(base.getHost(), 0, ZoneOffset.UTC,
        WebConfig.DEFAULT_SHIFTS, null), limited).start()) {
      Browser b = new Browser(throttled.uri());
      for (int i = 0; i < 3; i++) {
        assertThat(b.login("carol", "guess-" + i).statusCode()).isEqualTo(401);
      }
      HttpResponse<String> refused = b.login("carol", "carol-pw");
      assertThat(refused.statusCode()).as("the right password, locked out").isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
          assertThat(Long.parseLong(v)).isBetween(1L, 2L));
      assertThat(refused.body()).contains("Too many failed logins");
      assertThat(b.cookie(WebAccess.SESSION_COOKIE)).isNull();
      assertThat(new Browser(throttled.uri()).send(HttpRequest.newBuilder(throttled.uri().resolve("/runs"))
          .header("Authorization", basicAuth("carol", "carol-pw"))).statusCode())
          .as("Basic auth of the same user is locked out too").isEqualTo(429);

      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
          .until(() -> b.login("carol", "carol-pw").statusCode() == 302);
      assertThat(b.cookie(WebAccess.SESSION_COOKIE)).isNotNull();
      assertThat(b.get("/runs", "text/html").statusCode()).isEqualTo(200);

      assertThat(meters.counter("testline.access.login.failures", "listener", "web").count()).isEqualTo(3);
      assertThat(meters.counter("testline.access.login.lockouts", "listener", "web", "scope", "user").count())
          .isEqualTo(1);
      assertThat(meters.counter("testline.access.login.throttled", "listener", "web").count()).isGreaterThan(1);
      assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
          .anySatisfy(line -> assertThat(line).contains("failed login for user \"carol\""))
          .anySatisfy(line -> assertThat(line).contains("user \"carol\" locked out for 2 s"))
          .allSatisfy(line -> assertThat(line).doesNotContain("guess-").doesNotContain("carol-pw"));
    } finally {
      Metrics.removeRegistry(meters);
      logger.detachAppender(logged);
    }
  }

  private static String basicAuth(String user, String password) {
    return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> withSession(String value) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/"))
        .header("Accept", "text/html").header("Cookie", WebAccess.SESSION_COOKIE + "=" + value).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String hash(String password) {
    return BCrypt.withDefaults().hashToString(4, password.toCharArray());
  }

  /** A cookie-keeping HTTP client that does not follow redirects, as a browser would look from the wire. */
  private final class Browser {
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).build();
    private final URI root;

    Browser() {
      this(base);
    }

    Browser(URI root) {
      this.root = root;
    }

    HttpResponse<String> get(String path, String accept) throws Exception {
      return send(HttpRequest.newBuilder(root.resolve(path)).header("Accept", accept));
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
      return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> login(String user, String password) throws Exception {
      get("/login", "text/html");
      Map<String, String> form = new LinkedHashMap<>();
      form.put("user", user);
      form.put("password", password);
      form.put("next", "/");
      form.put(WebAccess.CSRF_FIELD, cookie(WebAccess.CSRF_COOKIE));
      return post("/login", form);
    }

    HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
      String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
          + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
      return send(HttpRequest.newBuilder(root.resolve(path)).header("Accept", "text/html")
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    String cookie(String name) {
      return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
          .map(HttpCookie::getValue).filter(v -> !v.isEmpty()).findFirst().orElse(null);
    }
  }
}
