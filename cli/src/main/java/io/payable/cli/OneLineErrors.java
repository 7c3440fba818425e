package io.payable.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Prints a failed command as one line, {@code error: <what went wrong>}, and its stack trace only
 * when asked for with {@code --verbose}: a person reads the cause, a bug report gets the trace.
 */
final class OneLineErrors implements CommandLine.IExecutionExceptionHandler {

  /** Exit code of a command that failed at run time (picocli uses 2 for usage errors). */
  static final int EXIT_FAILED = 1;

  private static final int MAX_LENGTH = 400;

  private final boolean verbose;

  OneLineErrors(boolean verbose) {
    this.verbose = verbose;
  }

  @Override
  public int handleExecutionException(
      Exception ex, CommandLine command, CommandLine.ParseResult parseResult) {
    PrintWriter err = command.getErr();
    err.println("error: " + describe(ex));
    if (verbose) {
      ex.printStackTrace(err);
    } else {
      err.println("(run again with --verbose for the stack trace)");
    }
    err.flush();
    return EXIT_FAILED;
  }

  /**
   * The first line of each distinct message along the cause chain, outermost first, joined by ": ".
   * Wrappers that only repeat their cause, or say nothing, are skipped.
   */
  static String describe(Throwable ex) {
    List<String> parts = new ArrayList<>();
    for (Throwable t = ex; t != null && parts.size() < 4; t = t.getCause()) {
      String line = firstLine(t.getMessage());
      // new RuntimeException(cause) takes cause.toString() as its message: say it once.
      if (line.isEmpty()
          || (t.getCause() != null && line.equals(firstLine(t.getCause().toString())))) {
        continue;
      }
      if (parts.stream().anyMatch(p -> p.contains(line))) {
        continue;
      }
      parts.removeIf(line::contains);
      parts.add(line);
    }
    String text =
        parts.isEmpty() ? ex.getClass().getSimpleName() : String.join(": ", parts).strip();
    return text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH - 3) + "...";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    String m = message.strip();
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).strip();
  }
}
