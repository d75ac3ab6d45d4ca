package io.testline.agent.capture;

/** Receives captured lines; called from each stream's reader thread, so implementations must be thread-safe. */
@FunctionalInterface
public interface LineSink {
  void accept(CapturedLine line);

  /** The lines of one read from the stream have been delivered; a sink that buffers writes may flush them now. */
  default void endOfRead() {
  }
}
