package io.testline.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.web.Assets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Standalone serves the web interface on loopback, names it with the other endpoints, and ships its assets. */
class StandaloneWebIT {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void standalone_serves_the_web_pages_and_their_assets_and_prints_the_web_url(@TempDir Path data) throws Exception {
    try (Standalone standalone = new Standalone(StandaloneSettings.onFreePorts(data))) {
      Standalone.Endpoints endpoints = standalone.start();
      URI web = endpoints.web();

      assertThat(web.getHost()).isEqualTo("127.0.0.1");
      assertThat(endpoints.describe()).contains("web interface      " + web);
      HttpResponse<String> line = get(web.resolve("/"));
      assertThat(line.statusCode()).isEqualTo(200);
      assertThat(line.body()).contains("sse-connect=\"/events/line\"");
      assertThat(get(web.resolve("/runs")).statusCode()).isEqualTo(200);
      assertThat(get(web.resolve("/webjars/htmx.org/" + Assets.HTMX + "/dist/htmx.min.js")).statusCode())
          .isEqualTo(200);
      assertThat(get(web.resolve("/webjars/htmx-ext-sse/" + Assets.HTMX_SSE + "/sse.js")).statusCode())
          .isEqualTo(200);
      assertThat(get(web.resolve("/assets/testline.css")).statusCode()).isEqualTo(200);
      assertThat(get(web.resolve("/health")).body()).isEqualTo("UP");
    }
  }

  private HttpResponse<String> get(URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }
}
