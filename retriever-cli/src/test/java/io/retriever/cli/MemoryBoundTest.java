package io.retriever.cli;

import static io.retriever.cli.Cli.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process stays within its byte budget plus a fixed overhead, whatever the consumer: a child
 * started as the launcher starts it streams an object several times the budget to a slow reader,
 * and its peak resident size (VmHWM) is measured.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemoryBoundTest {
  /** What the README promises above the budget. */
  private static final long OVERHEAD = 192L << 20;

  private static final long BUDGET = 256L << 20;

  private static final long SIZE = 512L << 20;

  private LocalS3 s3;
  private TestObject big;

  @BeforeAll
  void start(@TempDir Path store) {
    s3 = LocalS3.builder().directory(store).start();
    s3.createBucket("mem");
    big = s3.putRandom("mem", "big.bin", SIZE);
  }

  @AfterAll
  void stop() throws Exception {
    s3.close();
  }

  @Test
  void getToStdout_slowReader_peakRssWithinBudgetPlusOverhead() throws Exception {
    Process child = Cli.startAsLauncher(s3, BUDGET, at(s3, "get", "s3://mem/big.bin", "-", "-q"));
    child.getOutputStream().close();
    CompletableFuture<byte[]> err = drain(child.getErrorStream());
    AtomicLong peak = new AtomicLong();
    Thread sampler = sampler(child, peak);
    sampler.start();
    // About 64 MiB/s: far slower than the download, so the budget fills and stays full.
    String sha = readSlowly(child.getInputStream(), 64L << 20, child, peak);
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
    sampler.join(TimeUnit.SECONDS.toMillis(10));
    String stderr = new String(err.join(), StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as(stderr).isZero();
    assertThat(sha).isEqualTo(big.sha256());
    assertWithinBound(peak.get());
  }

  @Test
  void getToFile_peakRssWithinBudgetPlusOverhead(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("big.bin");
    Process child =
        Cli.startAsLauncher(s3, BUDGET, at(s3, "get", "s3://mem/big.bin", target.toString(), "-q"));
    child.getOutputStream().close();
    CompletableFuture<byte[]> out = drain(child.getInputStream());
    CompletableFuture<byte[]> err = drain(child.getErrorStream());
    AtomicLong peak = new AtomicLong();
    Thread sampler = sampler(child, peak);
    sampler.start();
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
    sampler.join(TimeUnit.SECONDS.toMillis(10));
    out.join();
    String stderr = new String(err.join(), StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as(stderr).isZero();
    assertThat(TestData.sha256(target)).isEqualTo(big.sha256());
    assertWithinBound(peak.get());
  }

  private static void assertWithinBound(long peak) {
    assertThat(peak)
        .as("peak RSS %d MiB, budget %d MiB", peak >> 20, BUDGET >> 20)
        .isPositive()
        .isLessThanOrEqualTo(BUDGET + OVERHEAD);
  }

  /** Reads {@code in} to its end at about {@code rate} bytes a second; returns its SHA-256. */
  private static String readSlowly(InputStream in, long rate, Process child, AtomicLong peak)
      throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[64 << 10];
    long start = System.nanoTime();
    long total = 0;
    try (in) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        sha.update(buffer, 0, n);
        total += n;
        if (total == SIZE) {
          // The child is still alive until it has flushed and exited: take its peak now.
          sample(child, peak);
        }
        long due = start + total * 1_000_000_000L / rate;
        long ahead = due - System.nanoTime();
        if (ahead > 0) {
          TimeUnit.NANOSECONDS.sleep(ahead);
        }
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** Returns a thread that records the child's peak RSS every 50 ms while it lives. */
  private static Thread sampler(Process child, AtomicLong peak) {
    Thread t =
        new Thread(
            () -> {
              while (child.isAlive()) {
                sample(child, peak);
                try {
                  Thread.sleep(50);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "rss-sampler");
    t.setDaemon(true);
    return t;
  }

  private static void sample(Process child, AtomicLong peak) {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc", Long.toString(child.pid()), "status"))) {
        if (line.startsWith("VmHWM:")) {
          long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
          peak.accumulateAndGet(kib << 10, Math::max);
        }
      }
    } catch (IOException | RuntimeException e) {
      // The child has exited.
    }
  }

  private static CompletableFuture<byte[]> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return in.readAllBytes();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
