package io.retriever.cli;

import java.lang.management.ManagementFactory;

/** What the {@code retriever} launcher gave this JVM: its class-data archive. */
final class Launcher {
  /** The system property by which the launcher names the archive it records, made or not. */
  static final String ARCHIVE_PROPERTY = "retriever.archive";

  private Launcher() {}

  /** Returns the class-data archive this JVM was started with, or null. */
  static String archive() {
    String file = null;
    for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (option.startsWith("-XX:SharedArchiveFile=")) {
        file = option.substring("-XX:SharedArchiveFile=".length());
      }
    }
    return file;
  }

  /** Returns whether the JVM maps class-data archives (it says "sharing" in its info). */
  static boolean sharing() {
    return String.valueOf(System.getProperty("java.vm.info")).contains("sharing");
  }
}
