package io.retriever.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The command line's logging: errors to standard error, never the loggers that print secrets. */
class LogSetupTest {
  @Test
  void configure_errorsOnly_andTheHeaderAndSignerLoggersOff() {
    LoggerContext context = new LoggerContext();
    LogSetup.apply(context);

    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.ERROR);
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
    assertThat(context.getLogger("software.amazon.awssdk.core").isErrorEnabled()).isTrue();
    assertThat(context.getLogger("software.amazon.awssdk.core").isWarnEnabled()).isFalse();
  }

  @Test
  void configure_withATestFileOnTheClassPath_leavesItInCharge() {
    // The tests' class path holds a logback-test.xml.
    assertThat(new LogSetup().configure(new LoggerContext()))
        .isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
  }
}
