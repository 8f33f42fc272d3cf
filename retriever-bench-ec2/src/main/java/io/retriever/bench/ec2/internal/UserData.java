package io.retriever.bench.ec2.internal;

import io.retriever.bench.ec2.Storage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The script an instance runs at boot. It schedules its own power-off first (the instance
 * terminates on power-off, so it ends even if the runner dies), then installs a JDK and the peers
 * asked for, fetches the Retriever jar, mounts where the downloads land, and hands over to {@code
 * OnInstance}, which waits for its turn, runs the bench and uploads the results. Whatever happens,
 * a trap on exit uploads a status line ({@code ok}, or the step that failed and its exit code) and
 * the script's log beside the type's results, then powers off; the log is also written to the
 * console, which the runner reads when nothing reached S3.
 */
public final class UserData {
  /** The class every instance runs; the line that calls it holds its arguments. */
  public static final String ENTRY_POINT = "io.retriever.bench.ec2.OnInstance";

  /** Where the script's log is kept on the instance. */
  public static final String LOG = "/var/log/retriever-bench.log";

  /** The peer tools the script can install, and the release (or package) installed of each. */
  public static final Map<String, String> PEER_TOOLS =
      Map.of("rclone", "1.68.2", "s5cmd", "2.3.0", "boto3", "python3-boto3");

  private UserData() {}

  /** What one instance's script needs. */
  public record Inputs(
      String region,
      URI endpoint,
      String jar,
      Duration powerOff,
      String reportTo,
      Storage storage,
      String architecture,
      List<String> peerTools,
      List<String> onInstance) {}

  /**
   * Returns the script.
   *
   * @param in {@code jar} is an {@code s3://} URI of the staged jar or an {@code https://} URL;
   *     {@code reportTo} the {@code s3://bucket/prefix/} of the type's results; {@code endpoint}
   *     that of the instance's AWS clients, or null for AWS's own
   */
  public static String script(Inputs in) {
    long minutes = Math.max(1, (in.powerOff().toSeconds() + 59) / 60);
    List<String> aws = new ArrayList<>(List.of("aws", "--region", in.region()));
    if (in.endpoint() != null) {
      aws.addAll(List.of("--endpoint-url", in.endpoint().toString()));
    }
    String s3cp = ShellWords.join(aws) + " s3 cp --only-show-errors";
    List<String> lines = new ArrayList<>();
    lines.add("#!/bin/bash");
    lines.add("set -u");
    lines.add("shutdown -h +" + minutes);
    lines.add("LOG=" + LOG);
    lines.add("REPORT=" + ShellWords.quote(in.reportTo()));
    // Everything the script says goes to its log and to the console.
    lines.add("exec > >(tee -a \"$LOG\" >/dev/console) 2>&1");
    lines.add("STEP=start");
    lines.add("report() {");
    lines.add("  code=$?");
    lines.add("  trap - EXIT");
    lines.add(
        "  if [ \"$code\" = 0 ]; then status=ok; else status=\"failed at $STEP (exit $code)\"; fi");
    lines.add("  echo \"retriever-bench: $status\"");
    lines.add("  echo \"$status\" | " + s3cp + " - \"${REPORT}status\"");
    lines.add("  " + s3cp + " \"$LOG\" \"${REPORT}instance.log\"");
    lines.add("  shutdown -h now");
    lines.add("}");
    lines.add("trap report EXIT");
    // The scheduled power-off sends TERM first: end through the trap, which reports.
    lines.add("trap 'exit 143' TERM");
    lines.add(step("install Java", "dnf install -y -q java-17-amazon-corretto-headless"));
    for (String tool : in.peerTools()) {
      lines.add(step("install " + tool, install(tool, in.architecture())));
    }
    lines.add(step("prepare the storage", "mkdir -p " + Storage.MOUNT));
    lines.addAll(mount(in.storage()));
    lines.add(step("prepare the storage", "mkdir -p /opt/retriever && cd /opt/retriever"));
    String fetch =
        in.jar().startsWith("s3://")
            ? s3cp + " " + ShellWords.quote(in.jar()) + " retriever.jar"
            : ShellWords.join(
                List.of("curl", "-fsSL", "--retry", "5", "-o", "retriever.jar", in.jar()));
    lines.add(step("fetch the jar", fetch));
    List<String> run = new ArrayList<>(List.of("java", "-cp", "retriever.jar", ENTRY_POINT));
    run.addAll(in.onInstance());
    lines.add(step("run the bench", ShellWords.join(run)));
    lines.add("");
    return String.join("\n", lines);
  }

  private static String step(String name, String command) {
    return "STEP=" + ShellWords.quote(name) + "; " + command + " || exit";
  }

  /** Returns the lines that mount the storage at {@link Storage#MOUNT}. */
  private static List<String> mount(Storage storage) {
    String step = "prepare the storage";
    return switch (storage.kind()) {
      case MEMORY ->
          List.of(
              step(
                  step,
                  "mount -t tmpfs -o size=" + storage.sizeGib() + "g tmpfs " + Storage.MOUNT));
      case INSTANCE_STORE ->
          List.of(
              // The type's NVMe instance storage disks; striped when there are several.
              step(
                  step,
                  "DISKS=$(lsblk -dnpo NAME,MODEL | awk '/Instance Storage/ {print $1}');"
                      + " [ -n \"$DISKS\" ]"),
              step(
                  step,
                  "if [ $(echo $DISKS | wc -w) -gt 1 ]; then dnf install -y -q mdadm"
                      + " && mdadm --create /dev/md0 --run --level=0"
                      + " --raid-devices=$(echo $DISKS | wc -w) $DISKS && DEV=/dev/md0;"
                      + " else DEV=$DISKS; fi"),
              step(step, "mkfs.xfs -f -q $DEV && mount -o noatime $DEV " + Storage.MOUNT));
      case EBS ->
          List.of(
              // The volume appears as an NVMe device; the AMI's udev rules link its name to it.
              step(
                  step,
                  "for i in $(seq 120); do [ -e "
                      + Storage.EBS_DEVICE
                      + " ] && break; sleep 1; done; [ -e "
                      + Storage.EBS_DEVICE
                      + " ]"),
              step(
                  step,
                  "mkfs.xfs -f -q "
                      + Storage.EBS_DEVICE
                      + " && mount -o noatime "
                      + Storage.EBS_DEVICE
                      + " "
                      + Storage.MOUNT));
    };
  }

  /** Returns the command that installs a peer tool for the architecture. */
  private static String install(String tool, String architecture) {
    boolean arm = architecture.equals("arm64");
    return switch (tool) {
      case "rclone" -> {
        String v = PEER_TOOLS.get("rclone");
        yield "dnf install -y -q unzip && curl -fsSL --retry 5 -o /tmp/rclone.zip"
            + " https://downloads.rclone.org/v"
            + v
            + "/rclone-v"
            + v
            + "-linux-"
            + (arm ? "arm64" : "amd64")
            + ".zip && unzip -q -j -o /tmp/rclone.zip '*/rclone' -d /usr/local/bin";
      }
      case "s5cmd" -> {
        String v = PEER_TOOLS.get("s5cmd");
        yield "curl -fsSL --retry 5 https://github.com/peak/s5cmd/releases/download/v"
            + v
            + "/s5cmd_"
            + v
            + "_Linux-"
            + (arm ? "arm64" : "64bit")
            + ".tar.gz | tar -xz -C /usr/local/bin s5cmd";
      }
      case "boto3" -> "dnf install -y -q " + PEER_TOOLS.get("boto3");
      default -> throw new IllegalArgumentException("no way to install " + tool);
    };
  }

  /** Returns the peer tools that the commands of {@code --peer NAME=COMMAND} call. */
  public static List<String> peerToolsOf(List<String> peerSpecs) {
    List<String> tools = new ArrayList<>();
    for (String spec : peerSpecs) {
      String command = spec.substring(spec.indexOf('=') + 1);
      for (String tool : List.of("rclone", "s5cmd", "boto3")) {
        if (command.contains(tool) && !tools.contains(tool)) {
          tools.add(tool);
        }
      }
    }
    return tools;
  }

  /** Returns the script in base64, as RunInstances takes it. */
  public static String encode(String script) {
    return Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_8));
  }

  /** Returns the arguments the script passes to {@link #ENTRY_POINT}. */
  public static List<String> onInstanceArguments(String script) {
    for (String line : script.split("\n")) {
      String command =
          line.endsWith(" || exit") ? line.substring(0, line.length() - " || exit".length()) : line;
      List<String> words = ShellWords.split(command);
      int entry = words.indexOf(ENTRY_POINT);
      if (entry >= 0) {
        return words.subList(entry + 1, words.size());
      }
    }
    throw new IllegalArgumentException("the script never runs " + ENTRY_POINT);
  }
}
