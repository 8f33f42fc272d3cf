package io.retriever.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line's logging, set up in code rather than from an XML file whose parsing would add a
 * tenth of a second to every run: errors only, to standard error. A file named by {@code
 * -Dlogback.configurationFile} replaces it.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
  /** Loggers that print raw HTTP headers or canonical requests (session tokens) at DEBUG. */
  private static final List<String> NEVER =
      List.of(
          "software.amazon.awssdk.http.auth.aws.internal.signer",
          "org.apache.http.wire",
          "org.apache.http.headers");

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    apply(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Marks a context this class set up, so that {@link #debug} leaves other set-ups alone. */
  private static final String MARK = "io.retriever.cli.LogSetup";

  /**
   * Sends Retriever's errors to standard error and silences everything else: libraries' errors (the
   * SDK logs some it recovers from, with 50-line stack traces) would bury the one line that says
   * what went wrong. {@link #debug} lets them through. The loggers that would print secrets stay
   * off either way.
   */
  static void apply(LoggerContext context) {
    context.putProperty(MARK, "true");
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n");
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.OFF);
    root.addAppender(stderr);
    context.getLogger("io.retriever").setLevel(Level.ERROR);
    for (String name : NEVER) {
      context.getLogger(name).setLevel(Level.OFF);
    }
  }

  /** Lets every library's errors, with their stack traces, through (for {@code --debug}). */
  static void debug() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      debug(context);
    }
  }

  static void debug(LoggerContext context) {
    if (context.getProperty(MARK) != null) {
      context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.ERROR);
    }
  }
}
