package io.testline.shopfloor.adapter;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read as UTF-8 text up to a cap: the rest is not read, the connection is given up. A shopfloor
 * (or whatever answers at its URL) sending an endless or huge body cannot exhaust the bridge's heap; what decides
 * a submission is the status and the first bytes ({@code reference}, {@code code}, {@code message}).
 */
final class CappedBody implements HttpResponse.BodySubscriber<String> {
  private final int cap;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final CompletableFuture<String> text = new CompletableFuture<>();
  private Flow.Subscription subscription;

  private CappedBody(int cap) {
    this.cap = cap;
  }

  /** A handler whose bodies are cut at {@code cap} bytes. */
  static HttpResponse.BodyHandler<String> handler(int cap) {
    return info -> new CappedBody(cap);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    for (ByteBuffer b : buffers) {
      int take = Math.min(b.remaining(), cap - bytes.size());
      byte[] chunk = new byte[take];
      b.get(chunk);
      bytes.write(chunk, 0, take);
      if (b.hasRemaining()) {
        subscription.cancel();
        complete();
        return;
      }
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable error) {
    text.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    complete();
  }

  @Override
  public CompletionStage<String> getBody() {
    return text;
  }

  private void complete() {
    text.complete(bytes.toString(StandardCharsets.UTF_8));
  }
}
