package io.testline.exit;

import picocli.CommandLine;

/** {@code --version} of every testline command: the version in the jar's manifest, or the development version. */
public final class DistributionVersion implements CommandLine.IVersionProvider {
  /** The version of a build that is not packaged (classes from target/, as in tests). */
  public static final String DEVELOPMENT = "0.1.0-SNAPSHOT";

  /** The version of the jar {@code type} was loaded from. */
  public static String of(Class<?> type) {
    String v = type.getPackage() == null ? null : type.getPackage().getImplementationVersion();
    return v != null ? v : DEVELOPMENT;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"testline " + of(DistributionVersion.class)};
  }
}
