package io.testline.shopfloor.adapter;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the {@link HttpShopfloorAdapter}.
 *
 * @param url            where results are POSTed
 * @param authHeader     name of the header carrying credentials, e.g. {@code Authorization}; null for none
 * @param authValue      its value, e.g. {@code Bearer ...}
 * @param connectTimeout TCP/TLS connect timeout
 * @param requestTimeout whole-request timeout, from sending to the complete response
 * @param fields         the request body: shopfloor field name to contract path (see {@link RunBodyMapper})
 */
public record HttpAdapterConfig(URI url, String authHeader, String authValue, Duration connectTimeout,
    Duration requestTimeout, Map<String, String> fields) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  public HttpAdapterConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    fields = fields == null || fields.isEmpty() ? RunBodyMapper.DEFAULT_FIELDS : Map.copyOf(fields);
    if (authHeader != null && authHeader.isBlank()) {
      authHeader = null;
    }
    if (authHeader != null && authValue == null) {
      throw new IllegalArgumentException("authValue: required when authHeader is set");
    }
  }

  /** Defaults for everything but the URL. */
  public static HttpAdapterConfig of(URI url) {
    return new HttpAdapterConfig(url, null, null, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, Map.of());
  }

  public HttpAdapterConfig withTimeouts(Duration connect, Duration request) {
    return new HttpAdapterConfig(url, authHeader, authValue, connect, request, fields);
  }

  @Override
  public String toString() {
    return "HttpAdapterConfig[url=" + url + ", authHeader=" + authHeader + ", connectTimeout=" + connectTimeout
        + ", requestTimeout=" + requestTimeout + ", fields=" + fields.keySet() + "]";
  }
}
