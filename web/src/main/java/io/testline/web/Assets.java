package io.testline.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The versions of the WebJars on the class path, read from their own Maven metadata, so the pages' script URLs
 * ({@code /webjars/<name>/<version>/...}) always match the jars that ship and no version is written twice.
 */
public final class Assets {
  public static final String HTMX = version("htmx.org");
  public static final String HTMX_SSE = version("htmx-ext-sse");
  public static final String UPLOT = version("uplot");

  private Assets() {}

  private static String version(String artifact) {
    String path = "/META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
    try (InputStream in = Assets.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("the WebJar org.webjars.npm:" + artifact + " is not on the class path");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }
}
