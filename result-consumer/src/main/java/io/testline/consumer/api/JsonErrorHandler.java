package io.testline.consumer.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (a request it refuses before any route runs: a path with a malformed or ambiguous
 * percent-encoding, a request line or headers too long) in the API's JSON error shape
 * {@code {"error": "...", "field": "..."}} instead of Jetty's HTML page. A path refused under {@code /api/runs/}
 * names {@code runId}, the only parameter a path carries; a request target the HTTP parser refuses outright (such as
 * {@code %zz} or {@code %00} in the path) is refused before its path is known, so that answer names no field.
 */
final class JsonErrorHandler extends ErrorHandler {
  private static final Pattern RUN_PATH = Pattern.compile("/api/runs/[^/]*(/log)?");
  private final ObjectMapper mapper;

  JsonErrorHandler(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
      Callback callback) {
    String path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
    String field = code == 400 && path != null && RUN_PATH.matcher(path).matches() ? "runId" : null;
    String text = describe(code, message);
    if ("runId".equals(field)) {
      text = "runId: the path is not a UUID (" + text + ")";
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(body(text, field)), callback);
  }

  /** Errors of the HTTP parser (bad request line, URI or headers too long), before a request exists. */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    String text = describe(status, reason);
    if (status == 400 && (reason == null || reason.equals(HttpStatus.getMessage(400)))) {
      text += ": the request line is malformed (e.g. a path with an invalid percent-encoding)";
    }
    return ByteBuffer.wrap(body(text, null));
  }

  private static String describe(int code, String message) {
    String reason = HttpStatus.getMessage(code);
    return message == null || message.isBlank() || message.equals(reason) ? reason : reason + ": " + message;
  }

  private byte[] body(String error, String field) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error);
    if (field != null) {
      body.put("field", field);
    }
    try {
      return mapper.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of two strings always serialises", e);
    }
  }
}
