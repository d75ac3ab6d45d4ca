package io.testline.shopfloor.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import io.testline.errors.ErrorKind;
import io.testline.errors.Errors;
import io.testline.schemas.EventJson;
import java.io.IOException;

/**
 * Maps an HTTP response of the shopfloor to a {@link SubmitResult}: 2xx accepted (optional JSON
 * {@code reference}), 5xx/408/429 transient, any other 4xx a rejection with the body's JSON {@code code} and
 * {@code message} ({@code HTTP-<status>} and the raw body when it has none), anything else transient.
 */
final class ResponseMapper {
  private static final int MAX_MESSAGE = 500;

  private ResponseMapper() {}

  static SubmitResult map(int status, String body) {
    if (status >= 200 && status < 300) {
      JsonNode json = json(body);
      String reference = json == null ? null : text(json, "reference");
      return new SubmitResult.Accepted(reference);
    }
    if (status >= 400 && Errors.classifyHttpStatus(status) == ErrorKind.PERMANENT) {
      JsonNode json = json(body);
      String code = json == null ? null : text(json, "code");
      String message = json == null ? null : text(json, "message");
      return new SubmitResult.Rejected(code == null ? "HTTP-" + status : code,
          message == null ? truncate(body) : message);
    }
    return new SubmitResult.TransientFailure("HTTP " + status + (body == null || body.isBlank() ? ""
        : ": " + truncate(body)));
  }

  private static JsonNode json(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      JsonNode node = EventJson.mapper().readTree(body);
      return node != null && node.isObject() ? node : null;
    } catch (IOException e) {
      // not JSON: the caller falls back to the raw text, which is the useful part then
      return null;
    }
  }

  private static String text(JsonNode json, String field) {
    JsonNode v = json.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String truncate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
  }
}
