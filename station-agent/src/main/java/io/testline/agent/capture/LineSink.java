package io.testline.agent.capture;

/** Receives captured lines; called from each stream's reader thread, so implementations must be thread-safe. */
@FunctionalInterface
public interface LineSink {
  void accept(CapturedLine line);
}
