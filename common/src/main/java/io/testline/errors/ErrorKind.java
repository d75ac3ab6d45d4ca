package io.testline.errors;

/** Whether trying again can help. Shared by every testline module, so all retry the same things. */
public enum ErrorKind {
  /** Retry: I/O, timeouts, 5xx, 408/429, a broker or database that is unavailable. */
  TRANSIENT,
  /** Do not retry: business rejections (4xx), schema errors, constraint and authentication failures. */
  PERMANENT
}
