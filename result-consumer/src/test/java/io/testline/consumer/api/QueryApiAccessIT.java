package io.testline.consumer.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.testline.access.AccessConfig;
import io.testline.access.HttpsConfig;
import io.testline.brokers.Database;
import io.testline.brokers.junit.NetworkAddresses;
import io.testline.brokers.junit.RealBrokers;
import io.testline.brokers.junit.TestKeyStore;
import io.testline.config.ConfigSource;
import io.testline.consumer.store.StoreDataSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query API reachable from the network, as a plant runs it: bound to a non-loopback address of this machine, it
 * answers only requests with the token or a user's password, over plain HTTP or HTTPS.
 */
@ExtendWith(RealBrokers.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryApiAccessIT {
  private static final String TOKEN = "query-api-token-" + "0123456789abcdef";
  private static final String STORE_PASSWORD = "store-secret-42";

  private final ObjectMapper json = new ObjectMapper();
  private HikariDataSource dataSource;
  private String address;
  private AccessConfig access;
  private QueryApi api;
  private QueryApi https;
  private javax.net.ssl.SSLContext tls;

  @BeforeAll
  void start(Database db, @TempDir Path dir) throws Exception {
    address = NetworkAddresses.nonLoopbackOrSkip();
    dataSource = StoreDataSource.create(db.jdbcUrl(), db.user(), db.password(), 4, Duration.ofSeconds(5));
    StoreDataSource.migrate(dataSource);
    access = AccessConfig.load(ConfigSource.of(Map.of(
        "http.authToken", TOKEN,
        "http.users", List.of("quality:" + BCrypt.withDefaults().hashToString(4, "quality-pw".toCharArray())))),
        "http");
    api = new QueryApi(dataSource, access, null, null).start(address, 0);
    Path store = TestKeyStore.create(dir.resolve("api.p12"), STORE_PASSWORD, address, "127.0.0.1");
    HttpsConfig httpsConfig = HttpsConfig.load(ConfigSource.of(Map.of("http.tls.keyStore", store.toString(),
        "http.tls.keyStorePassword", STORE_PASSWORD)), "http");
    https = new QueryApi(dataSource, access, httpsConfig, null).start(address, 0);
    tls = TestKeyStore.trusting(store, STORE_PASSWORD);
  }

  @AfterAll
  void stop() {
    for (QueryApi a : new QueryApi[] {api, https}) {
      if (a != null) {
        a.close();
      }
    }
    if (dataSource != null) {
      dataSource.close();
    }
  }

  @Test
  void on_a_network_address_requests_without_or_with_wrong_credentials_are_refused() throws Exception {
    HttpResponse<String> none = get(HttpClient.newHttpClient(), "http", api.port(), null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(json.readTree(none.body()).path("error").asText()).startsWith("authentication required");
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v ->
        assertThat(v).contains("Bearer").contains("Basic"));
    assertThat(get(HttpClient.newHttpClient(), "http", api.port(), "Bearer " + TOKEN + "x").statusCode())
        .isEqualTo(401);
    assertThat(get(HttpClient.newHttpClient(), "http", api.port(), basic("quality", "wrong")).statusCode())
        .isEqualTo(401);
    assertThat(get(HttpClient.newHttpClient(), "http", api.port(), basic("nobody", "quality-pw")).statusCode())
        .isEqualTo(401);

    assertThat(get(HttpClient.newHttpClient(), "http", api.port(), "Bearer " + TOKEN).statusCode())
        .isEqualTo(200);
    HttpResponse<String> user = get(HttpClient.newHttpClient(), "http", api.port(), basic("quality", "quality-pw"));
    assertThat(user.statusCode()).isEqualTo(200);
    assertThat(json.readTree(user.body()).has("stations")).isTrue();
  }

  @Test
  void over_https_the_api_answers_with_its_certificate_and_still_requires_credentials() throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
    assertThat(get(client, "https", https.port(), null).statusCode()).isEqualTo(401);
    assertThat(get(client, "https", https.port(), "Bearer " + TOKEN).statusCode()).isEqualTo(200);
    assertThatThrownBy(() -> get(HttpClient.newHttpClient(), "http", https.port(), "Bearer " + TOKEN))
        .as("plain HTTP on the HTTPS port").isInstanceOf(IOException.class);
  }

  @Test
  void repeated_wrong_basic_passwords_get_429_even_for_the_right_one_until_the_delay_passes() throws Exception {
    AccessConfig limited = AccessConfig.load(ConfigSource.of(Map.of(
        "http.users", List.of("line:" + BCrypt.withDefaults().hashToString(4, "line-pw".toCharArray())),
        "http.login.maxFailuresPerUser", "3", "http.login.delay", "2s")), "http");
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (QueryApi throttled = new QueryApi(dataSource, limited, null, null, meters).start(address, 0)) {
      HttpClient client = HttpClient.newHttpClient();
      for (int i = 0; i < 3; i++) {
        assertThat(get(client, "http", throttled.port(), basic("line", "guess-" + i)).statusCode()).isEqualTo(401);
      }
      HttpResponse<String> refused = get(client, "http", throttled.port(), basic("line", "line-pw"));
      assertThat(refused.statusCode()).as("the right password, locked out").isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
          assertThat(Long.parseLong(v)).isBetween(1L, 2L));
      assertThat(json.readTree(refused.body()).path("error").asText()).startsWith("Too many failed logins");

      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
          .until(() -> get(client, "http", throttled.port(), basic("line", "line-pw")).statusCode() == 200);
      assertThat(meters.counter("testline.access.login.failures", "listener", "http").count()).isEqualTo(3);
      assertThat(meters.counter("testline.access.login.throttled", "listener", "http").count()).isGreaterThan(0);
    }
  }

  private HttpResponse<String> get(HttpClient client, String scheme, int port, String authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(scheme + "://" + address + ":" + port
        + "/api/stations")).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
