package io.retriever.bench.ec2;

import io.retriever.bench.ec2.internal.Clients;
import io.retriever.bench.ec2.internal.Layout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * What a failed or silent instance said: the log its script uploaded on exit, or, when nothing
 * reached S3 (no route to S3, or an instance that never got that far), its console output, where
 * the script writes the same lines.
 *
 * <p>Thread safety: confined to the calling thread.
 */
final class InstanceReport {
  /** How many lines of an instance's log the report shows. */
  static final int LINES = 15;

  private final Clients clients;
  private final Layout layout;
  private final RunObjects objects;

  InstanceReport(Clients clients, Layout layout, RunObjects objects) {
    this.clients = clients;
    this.layout = layout;
    this.objects = objects;
  }

  /** Returns the last lines the type's instance left, saying where they come from. */
  List<String> lastLines(String type, String instanceId) {
    try {
      if (objects.exists(layout.instanceLogKey(type))) {
        List<String> lines = new ArrayList<>();
        lines.add(
            "(last lines of s3://" + layout.bucket() + "/" + layout.instanceLogKey(type) + ")");
        lines.addAll(tail(objects.read(layout.instanceLogKey(type))));
        return lines;
      }
    } catch (SdkException e) {
      // Fall back on the console.
    }
    try {
      String output =
          clients.ec2().getConsoleOutput(b -> b.instanceId(instanceId).latest(true)).output();
      if (output == null || output.isEmpty()) {
        return List.of("(no log in S3, and the console output of " + instanceId + " is empty)");
      }
      List<String> lines = new ArrayList<>();
      lines.add("(no log in S3; last lines of the console output of " + instanceId + ")");
      lines.addAll(tail(decode(output)));
      return lines;
    } catch (SdkException e) {
      return List.of(
          "(no log in S3, and the console output of "
              + instanceId
              + " cannot be read: "
              + e.getMessage()
              + ")");
    }
  }

  /** Returns the console output as text: EC2 sends it in base64. */
  private static String decode(String output) {
    try {
      return new String(
          Base64.getDecoder().decode(output.replaceAll("\\s", "")), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return output;
    }
  }

  private static List<String> tail(String text) {
    List<String> lines = text.lines().map(String::stripTrailing).filter(l -> !l.isBlank()).toList();
    return lines.subList(Math.max(0, lines.size() - LINES), lines.size());
  }
}
