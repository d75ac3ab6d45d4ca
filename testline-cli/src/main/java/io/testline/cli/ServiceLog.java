package io.testline.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.util.StatusPrinter2;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Sends the services' logs of {@code standalone} and {@code demo} to a file, so the terminal shows what the command
 * prints (endpoints, the demo's live view) and only the warnings and errors a user must see. It applies the
 * distribution's {@code conf/logback-service.xml}; outside the distribution (no {@code testline.home}: an IDE, a
 * test JVM) logging is left as it is. Every other command keeps {@code conf/logback.xml}: its logs on stderr.
 */
final class ServiceLog {
  static final String CONFIG = "conf/logback-service.xml";
  static final String FILE_NAME = "testline.log";

  private ServiceLog() {}

  /** The log file of a data folder. */
  static Path in(Path dataDir) {
    return dataDir.resolve("logs").resolve(FILE_NAME);
  }

  /**
   * Logs to {@code file} from now on; returns it, or empty when this is not the distribution and nothing changed.
   *
   * @throws IllegalStateException when the distribution's logging config is broken
   */
  static Optional<Path> toFile(Path file) {
    String home = System.getProperty("testline.home");
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (home == null || !(factory instanceof LoggerContext context)) {
      return Optional.empty();
    }
    Path config = Path.of(home).resolve(CONFIG);
    if (!Files.isRegularFile(config)) {
      return Optional.empty();
    }
    Path absolute = file.toAbsolutePath().normalize();
    try {
      Files.createDirectories(absolute.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the log folder " + absolute.getParent(), e);
    }
    context.reset();
    context.putProperty("TESTLINE_LOG_FILE", absolute.toString());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(config.toFile());
    } catch (JoranException e) {
      throw new IllegalStateException(config + ": " + e.getMessage(), e);
    }
    new StatusPrinter2().printInCaseOfErrorsOrWarnings(context);
    return Optional.of(absolute);
  }
}
