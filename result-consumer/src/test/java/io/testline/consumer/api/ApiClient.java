package io.testline.consumer.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Sends a request target exactly as written (path and query, already percent-encoded, malformed or not) to the API
 * on loopback: with {@code java.net.http} where {@link URI} accepts the target, and over a plain socket as HTTP/1.1
 * where it does not ({@code java.net.URI} refuses a malformed escape such as {@code %zz}, which a client such as curl
 * sends as is).
 */
final class ApiClient {
  /** What came back: status, content type (lower case, "" when none) and body. */
  record Reply(String target, int status, String contentType, String body) {}

  private final int port;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  ApiClient(int port) {
    this.port = port;
  }

  Reply get(String target) {
    URI uri;
    try {
      uri = new URI("http://127.0.0.1:" + port + target);
    } catch (java.net.URISyntaxException e) {
      return raw(target);
    }
    if (!uri.toString().endsWith(target)) {
      return raw(target); // URI re-encoded something: send the bytes as written instead
    }
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Reply(target, r.statusCode(),
          r.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT), r.body());
    } catch (IOException e) {
      throw new IllegalStateException(target + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One HTTP/1.1 request over a fresh connection, the request target's bytes sent as Latin-1, unchanged. */
  Reply raw(String target) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      InputStream in = s.getInputStream();
      in.transferTo(buf);
      // Latin-1 maps each byte to one char, so chunk sizes (in bytes) index the string; UTF-8 is decoded last
      String response = buf.toString(StandardCharsets.ISO_8859_1);
      int headEnd = response.indexOf("\r\n\r\n");
      String head = headEnd < 0 ? response : response.substring(0, headEnd);
      String body = headEnd < 0 ? "" : response.substring(headEnd + 4);
      String[] lines = head.split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      String type = "";
      boolean chunked = false;
      for (String line : lines) {
        String lower = line.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-type:")) {
          type = lower.substring("content-type:".length()).trim();
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        }
      }
      String bytes = chunked ? unchunk(body) : body;
      return new Reply(target, status, type,
          new String(bytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(target + ": " + e, e);
    }
  }

  private static String unchunk(String body) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < body.length()) {
      int eol = body.indexOf("\r\n", i);
      if (eol < 0) {
        break;
      }
      int size = Integer.parseInt(body.substring(i, eol).split(";")[0].trim(), 16);
      if (size == 0) {
        break;
      }
      out.append(body, eol + 2, Math.min(body.length(), eol + 2 + size));
      i = eol + 2 + size + 2;
    }
    return out.toString();
  }
}
