package io.retriever.bench.micro;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The file sink's write of each piece of a body at its offset: from a heap array (what the sink
 * does: the JDK copies it into a temporary direct buffer) against from a direct buffer, by piece
 * size. One operation writes 8 MiB, a chunk.
 *
 * <pre>
 * java -cp retriever-cli/target/retriever.jar org.openjdk.jmh.Main FileWriteBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FileWriteBenchmark {
  private static final int CHUNK = 8 << 20;

  @Param({"heap", "direct"})
  public String buffer;

  @Param({"65536", "262144"})
  public int piece;

  private Path file;
  private FileChannel channel;
  private ByteBuffer data;

  @Setup(Level.Trial)
  public void open() throws IOException {
    file = Files.createTempFile("retriever-write", ".bin");
    channel = FileChannel.open(file, StandardOpenOption.WRITE);
    data = buffer.equals("heap") ? ByteBuffer.allocate(piece) : ByteBuffer.allocateDirect(piece);
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    channel.close();
    Files.deleteIfExists(file);
  }

  @Benchmark
  public void writeOneChunk() throws IOException {
    for (long position = 0; position < CHUNK; position += piece) {
      data.clear();
      while (data.hasRemaining()) {
        channel.write(data, position + data.position());
      }
    }
  }
}
