package io.retriever.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import io.retriever.DownloadRequest;
import io.retriever.Retriever;
import io.retriever.RetrieverException;
import io.retriever.testkit.Faults;
import io.retriever.testkit.Faults.Kind;
import io.retriever.testkit.LocalS3;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Secrets never reach logs or errors: every logger at TRACE while downloads succeed, retry through
 * faults and fail on bad credentials, except three loggers of libraries below Retriever that print
 * raw headers by design (the SDK's SigV4 signer logs its canonical request, session token included,
 * at DEBUG; Apache's wire and header loggers): the command line keeps them off, and README says to.
 */
class SecretsTest {
  private static final String TOKEN = "SESSIONTOKEN-must-not-leak-7f3a";

  /** The SDK's signer, which logs canonical requests with their security token at DEBUG. */
  static final String SIGNER = "software.amazon.awssdk.http.auth.aws.internal.signer";

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Map<String, Level> saved = new HashMap<>();
  private Logger root;

  /** The console appender of the test configuration, detached while capturing. */
  private Appender<ILoggingEvent> console;

  @BeforeEach
  void captureEverything() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Logger logger : context.getLoggerList()) {
      saved.put(logger.getName(), logger.getLevel());
    }
    context.getLoggerList().stream().filter(l -> l != root).forEach(l -> l.setLevel(null));
    root.setLevel(Level.TRACE);
    for (String name :
        List.of(
            SIGNER,
            "org.apache.http.wire",
            "org.apache.http.headers",
            "org.gaul",
            "org.eclipse.jetty",
            "org.jclouds",
            "jclouds")) {
      context.getLogger(name).setLevel(Level.OFF);
    }
    // Everything is captured, not printed: at TRACE the console would get thousands of lines.
    console = root.getAppender("STDERR");
    if (console != null) {
      root.detachAppender(console);
    }
    appender.setContext(context);
    appender.start();
    root.addAppender(appender);
  }

  @AfterEach
  void restore() {
    root.detachAppender(appender);
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    for (Logger logger : context.getLoggerList()) {
      if (logger != root) {
        logger.setLevel(saved.get(logger.getName()));
      }
    }
    root.setLevel(saved.get(root.getName()));
    if (console != null) {
      root.addAppender(console);
    }
  }

  /** Stops capturing and returns everything captured (threads of the SDK may still log). */
  private String everythingLogged() {
    root.detachAppender(appender);
    List<ILoggingEvent> events;
    synchronized (appender) {
      appender.stop();
      events = List.copyOf(appender.list);
    }
    StringBuilder all = new StringBuilder();
    for (ILoggingEvent e : events) {
      all.append(e.getFormattedMessage()).append('\n');
      if (e.getThrowableProxy() != null) {
        all.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
      }
    }
    return all.toString();
  }

  private static String describe(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  @Test
  void noSecretInLogsOrErrors() throws Exception {
    Faults faults = Faults.random(5, 0.3, Kind.INTERNAL_ERROR, Kind.CLOSE_MID_BODY, Kind.SLOW_DOWN);
    try (LocalS3 s3 = LocalS3.builder().faults(faults).start()) {
      s3.createBucket("secrets");
      s3.putMany("secrets", 20, 200_000, i -> "k" + i);
      StaticCredentialsProvider good =
          StaticCredentialsProvider.create(
              AwsSessionCredentials.create(s3.accessKey(), s3.secretKey(), TOKEN));
      List<String> errors = new ArrayList<>();
      try (Retriever retriever =
          Retriever.builder()
              .endpoint(s3.endpoint())
              .region(s3.region())
              .credentials(good)
              .pathStyle(true)
              .chunkSize(64 << 10)
              .maxAttempts(10)
              .build()) {
        retriever.toMemory(DownloadRequest.prefix("secrets", "")).await();
      }
      StaticCredentialsProvider wrong =
          StaticCredentialsProvider.create(
              AwsSessionCredentials.create(s3.accessKey(), "wrong" + s3.secretKey(), TOKEN));
      try (Retriever retriever =
          Retriever.builder()
              .endpoint(s3.endpoint())
              .region(s3.region())
              .credentials(wrong)
              .pathStyle(true)
              .build()) {
        assertThatThrownBy(() -> retriever.toMemory(DownloadRequest.prefix("secrets", "")).await())
            .isInstanceOfSatisfying(RetrieverException.class, e -> errors.add(describe(e)));
      }
      assertThat(faults.injected()).isPositive();
      String logged = everythingLogged();
      assertThat(logged).as("logging was captured").isNotEmpty();
      for (String text : List.of(logged, String.join("\n", errors))) {
        assertThat(text)
            .doesNotContain(s3.secretKey())
            .doesNotContain(TOKEN)
            .doesNotContain("X-Amz-Signature=");
      }
    }
  }
}
