package io.testline.shopfloor.adapter;

import io.testline.schemas.EventJson;
import io.testline.schemas.RunFinished;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference adapter for an HTTP/JSON shopfloor: POSTs the mapped run to the configured URL with an
 * {@code Idempotency-Key: <runId>} header and the configured auth header, and maps the answer with
 * {@link ResponseMapper}. Connect errors, dropped connections and timeouts are transient failures.
 */
public final class HttpShopfloorAdapter implements ShopfloorAdapter {
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  /** The most of a response body read; the rest is not (see {@link CappedBody}). */
  public static final int MAX_RESPONSE_BYTES = 64 * 1024;
  private static final Logger log = LoggerFactory.getLogger(HttpShopfloorAdapter.class);

  private final HttpAdapterConfig config;
  private final RunBodyMapper mapper;
  private final ExecutorService clientExecutor;
  private final HttpClient client;
  private final AtomicBoolean closed = new AtomicBoolean();

  public HttpShopfloorAdapter(HttpAdapterConfig config) {
    this.config = config;
    this.mapper = new RunBodyMapper(config.fields());
    // the client's own executor, so that closing the adapter releases its threads (HttpClient has no close in 17)
    this.clientExecutor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "shopfloor-http");
      t.setDaemon(true);
      return t;
    });
    this.client = HttpClient.newBuilder()
        .connectTimeout(config.connectTimeout())
        .executor(clientExecutor)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  @Override
  public SubmitResult submit(RunFinished run, String stationId) throws InterruptedException {
    byte[] body;
    try {
      body = EventJson.mapper().writeValueAsBytes(mapper.body(run, stationId));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the request body of run " + run.runId(), e);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(config.url())
        .timeout(config.requestTimeout())
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .header(IDEMPOTENCY_KEY, run.runId().toString())
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (config.authHeader() != null) {
      request.header(config.authHeader(), config.authValue());
    }
    try {
      HttpResponse<String> response = client.send(request.build(), CappedBody.handler(MAX_RESPONSE_BYTES));
      return ResponseMapper.map(response.statusCode(), response.body());
    } catch (HttpTimeoutException e) {
      return new SubmitResult.TransientFailure("timeout: " + e.getMessage());
    } catch (IOException e) {
      log.debug("shopfloor request for run {} failed", run.runId(), e);
      return new SubmitResult.TransientFailure(describe(e));
    }
  }

  /** The JDK client's connect errors often carry no message of their own, only a cause. */
  private static String describe(Throwable e) {
    StringBuilder text = new StringBuilder(e.getClass().getSimpleName());
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        return text.append(": ").append(t.getMessage()).toString();
      }
    }
    return text.toString();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      clientExecutor.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "HttpShopfloorAdapter[" + config.url() + "]";
  }
}
