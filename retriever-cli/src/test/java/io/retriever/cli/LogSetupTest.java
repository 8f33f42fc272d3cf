package io.retriever.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The command line's logging: errors to standard error, never the loggers that print secrets. */
class LogSetupTest {
  @Test
  void configure_errorsOnly_andTheHeaderAndSignerLoggersOff() {
    LoggerContext context = new LoggerContext();
    LogSetup.apply(context);

    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(context.getLogger("io.retriever.internal").isErrorEnabled()).isTrue();
    assertThat(context.getLogger("io.retriever.internal").isWarnEnabled()).isFalse();
    assertThat(root.getAppender("STDERR")).isNotNull();
    for (String name :
        new String[] {
          "software.amazon.awssdk.http.auth.aws.internal.signer",
          "software.amazon.awssdk.http.auth.aws.internal.signer.DefaultV4RequestSigner",
          "org.apache.http.wire",
          "org.apache.http.headers"
        }) {
      assertThat(context.getLogger(name).isDebugEnabled()).as(name).isFalse();
      assertThat(context.getLogger(name).isErrorEnabled()).as(name).isFalse();
    }
    // The SDK logs errors it recovers from (with long stack traces): only --debug shows them.
    assertThat(context.getLogger("software.amazon.awssdk.core").isErrorEnabled()).isFalse();
    LogSetup.debug(context);
    assertThat(context.getLogger("software.amazon.awssdk.core").isErrorEnabled()).isTrue();
    assertThat(context.getLogger("software.amazon.awssdk.core").isWarnEnabled()).isFalse();
    assertThat(context.getLogger("org.apache.http.wire").isErrorEnabled()).isFalse();
  }

  @Test
  void configure_sdkErrorWithStackTrace_reachesTheConsoleOnlyWithDebug() {
    LoggerContext context = new LoggerContext();
    LogSetup.apply(context);
    ListAppender<ILoggingEvent> console = new ListAppender<>();
    console.setContext(context);
    console.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(console);
    ch.qos.logback.classic.Logger sdk =
        context.getLogger("software.amazon.awssdk.core.internal.http.pipeline.stages.Timeout");

    sdk.error("Failed to close the response stream", new IOException("closed"));
    context.getLogger("io.retriever.cli").error("one line of ours");
    assertThat(console.list)
        .extracting(ILoggingEvent::getMessage)
        .containsExactly("one line of ours");

    LogSetup.debug(context);
    sdk.error("Failed to close the response stream", new IOException("closed"));
    assertThat(console.list)
        .extracting(ILoggingEvent::getMessage)
        .containsExactly("one line of ours", "Failed to close the response stream");
  }

  @Test
  void configure_withATestFileOnTheClassPath_leavesItInCharge() {
    // The tests' class path holds a logback-test.xml.
    assertThat(new LogSetup().configure(new LoggerContext()))
        .isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
  }
}
