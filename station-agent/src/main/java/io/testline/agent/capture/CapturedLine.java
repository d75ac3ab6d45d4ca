package io.testline.agent.capture;

import io.testline.schemas.LogStream;
import java.time.Instant;

/**
 * One line of a child's output, or one fragment of a very long line, as raw bytes without the line break.
 *
 * @param at      when the agent read it
 * @param partial true when the line was split here and the next fragment of the same stream continues it
 */
public record CapturedLine(LogStream stream, Instant at, byte[] bytes, boolean partial) {}
