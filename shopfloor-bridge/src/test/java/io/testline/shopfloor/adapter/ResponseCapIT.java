package io.testline.shopfloor.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.testline.schemas.Event;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import io.testline.shopfloor.TestRuns;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A shopfloor answering with an endless body is read up to the cap, and the submission still gets its answer. */
class ResponseCapIT {
  private static final long ENDLESS = 1L << 30;

  @Test
  void an_endless_response_body_is_read_only_up_to_the_cap_and_the_status_still_decides() throws Exception {
    AtomicLong written = new AtomicLong();
    ExecutorService threads = Executors.newCachedThreadPool();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(threads);
    server.createContext("/reject", exchange -> endless(exchange, 422, written));
    server.createContext("/accept", exchange -> endless(exchange, 200, written));
    server.start();
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    Event<RunFinished> run = TestRuns.finished("FCT-1", "SN-BIG", "OP10", RunOutcome.PASS, 1, Instant.now());
    try (HttpShopfloorAdapter reject = adapter(base.resolve("/reject"));
         HttpShopfloorAdapter accept = adapter(base.resolve("/accept"))) {
      long start = System.nanoTime();
      SubmitResult rejected = reject.submit(run.data(), run.stationId());
      assertThat(rejected).isInstanceOf(SubmitResult.Rejected.class);
      assertThat(((SubmitResult.Rejected) rejected).code()).isEqualTo("HTTP-422");
      assertThat(((SubmitResult.Rejected) rejected).message()).startsWith("{\"code\":\"TOO_BIG\"");
      assertThat(accept.submit(run.data(), run.stationId())).isInstanceOf(SubmitResult.Accepted.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    } finally {
      server.stop(0);
      threads.shutdownNow();
    }
    assertThat(written.get()).as("bytes the server could write before the client stopped reading")
        .isLessThan(ENDLESS);
  }

  private static HttpShopfloorAdapter adapter(URI uri) {
    return new HttpShopfloorAdapter(HttpAdapterConfig.of(uri).withTimeouts(Duration.ofSeconds(2),
        Duration.ofSeconds(10)));
  }

  /** Answers {@code status} with a JSON start and then padding until the client goes away. */
  private static void endless(com.sun.net.httpserver.HttpExchange exchange, int status, AtomicLong written)
      throws IOException {
    exchange.getRequestBody().readAllBytes();
    exchange.sendResponseHeaders(status, 0);
    byte[] padding = new byte[64 * 1024];
    Arrays.fill(padding, (byte) 'x');
    try (OutputStream out = exchange.getResponseBody()) {
      out.write("{\"code\":\"TOO_BIG\",\"message\":\"".getBytes(StandardCharsets.UTF_8));
      while (written.get() < ENDLESS) {
        out.write(padding);
        written.addAndGet(padding.length);
      }
    } catch (IOException clientGone) {
      // the client stopped reading: what this test wants
    } finally {
      exchange.close();
    }
  }
}
