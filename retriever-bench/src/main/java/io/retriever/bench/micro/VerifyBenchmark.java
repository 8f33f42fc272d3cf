package io.retriever.bench.micro;

import io.retriever.internal.verify.Crcs;
import io.retriever.internal.verify.Hashes;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.Checksum;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Checking one 64 KiB object's bytes the ways Retriever can: against its MD5 ETag (with the MD5
 * Retriever picks for the JVM, its own under C1; and the JDK's), S3's CRC-64/NVME (Retriever's own
 * implementation) or a CRC-32C (the JDK's), in the JIT the {@code retriever} launcher uses (C1
 * only, which has no MD5 intrinsic); {@code -jvmArgsAppend -XX:TieredStopAtLevel=4} measures the
 * JVM's default JIT instead.
 *
 * <pre>
 * java -cp retriever-cli/target/retriever.jar org.openjdk.jmh.Main VerifyBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = "-XX:TieredStopAtLevel=1")
public class VerifyBenchmark {
  @Param({"MD5", "MD5-JDK", "CRC64NVME", "CRC32C"})
  public String check;

  private final byte[] body = new byte[64 << 10];
  private MessageDigest md5;
  private Checksum crc;

  @Setup
  public void setUp() throws Exception {
    new Random(1).nextBytes(body);
    md5 = check.equals("MD5-JDK") ? MessageDigest.getInstance("MD5") : Hashes.newDigest("MD5");
    crc = check.startsWith("MD5") ? null : Crcs.newChecksum(check);
  }

  /** Returns the check's value over the body, read in 8 KiB pieces as from a socket. */
  @Benchmark
  public long object() {
    if (crc == null) {
      for (int off = 0; off < body.length; off += 8192) {
        md5.update(body, off, 8192);
      }
      return md5.digest()[0];
    }
    crc.reset();
    for (int off = 0; off < body.length; off += 8192) {
      crc.update(body, off, 8192);
    }
    return crc.getValue();
  }
}
