package io.testline.schemas;

/** Which output a log chunk holds; {@link #AGENT} is the agent's own notes about the run. */
public enum LogStream {
  STDOUT,
  STDERR,
  AGENT
}
