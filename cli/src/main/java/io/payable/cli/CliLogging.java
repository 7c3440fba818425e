package io.payable.cli;

import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Sends the log of a long-running command ({@code payable up}) to a file, so that the terminal
 * shows only the command's own progress lines; errors still reach the terminal as well.
 *
 * <p>Works on the log4j configuration the launcher installs; under another logging backend (a
 * test's) it changes nothing.
 */
public final class CliLogging {

  private static final String CONSOLE = "Console";
  private static final String FILE = "PayableLogFile";

  private CliLogging() {}

  /**
   * Appends every log event to {@code file} from now on and keeps only errors on the console.
   *
   * @return whether the log now goes to the file
   */
  public static boolean toFile(Path file) {
    if (!(LogManager.getContext(false) instanceof LoggerContext context)) {
      return false;
    }
    Configuration config = context.getConfiguration();
    Appender console = config.getAppender(CONSOLE);
    if (console == null) {
      return false;
    }
    FileAppender appender =
        FileAppender.newBuilder()
            .setName(FILE)
            .withFileName(file.toString())
            .withAppend(true)
            .withCreateOnDemand(false)
            .setLayout(
                PatternLayout.newBuilder()
                    .withConfiguration(config)
                    .withPattern("%d{ISO8601} %-5p [%t] %c - %m%n")
                    .build())
            .setConfiguration(config)
            .build();
    appender.start();
    config.addAppender(appender);
    for (LoggerConfig logger : loggers(config)) {
      if (logger.getAppenders().containsKey(CONSOLE)) {
        logger.removeAppender(CONSOLE);
        logger.addAppender(console, Level.ERROR, null);
        logger.addAppender(appender, null, null);
      }
    }
    context.updateLoggers();
    return true;
  }

  private static Iterable<LoggerConfig> loggers(Configuration config) {
    java.util.List<LoggerConfig> all = new java.util.ArrayList<>(config.getLoggers().values());
    if (!all.contains(config.getRootLogger())) {
      all.add(config.getRootLogger());
    }
    return all;
  }
}
