package io.testline.agent;

/** The agent's version, from the jar manifest when packaged. */
public final class AgentVersion {
  private static final String DEVELOPMENT = "0.1.0-SNAPSHOT";

  private AgentVersion() {}

  public static String get() {
    String v = AgentVersion.class.getPackage().getImplementationVersion();
    return v != null ? v : DEVELOPMENT;
  }
}
