package io.retriever.internal.sink;

import io.retriever.ChunkTask;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.internal.flow.Budget;
import io.retriever.internal.pipeline.ChunkWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Writes one chunk into its object's temporary file at the chunk's offset (and into the object's
 * bytes when the download keeps them in memory), recording its progress in the journal.
 *
 * <p>Concurrency: used by one downloader worker at a time; writers of other chunks of the same file
 * write at once, at other offsets.
 */
final class FileChunkWriter implements ChunkWriter {
  /** Bytes each worker moves from the response to the file at a time. */
  static final int SCRATCH_SIZE = 256 * 1024;

  /** Bytes written into a chunk between two records of its progress in the journal. */
  static final int PROGRESS_STEP = 1 << 20;

  private static final ThreadLocal<byte[]> SCRATCH =
      ThreadLocal.withInitial(() -> new byte[SCRATCH_SIZE]);

  private final FileObject file;
  private final ChunkTask task;

  /** The object's bytes when kept in memory, else null. */
  private final byte[] bytes;

  /** Where the chunk starts in the object, for journal records. */
  private final long chunkStart;

  /** The budget lease the chunk's bytes hold, given back once they are written. */
  private final Budget.Lease lease;

  /** How far into the chunk the journal last recorded its bytes as in. */
  private long recorded;

  /** A read that failed after others had brought bytes, thrown by the next call; or null. */
  private IOException failure;

  /** The body that read came from. */
  private InputStream failedBody;

  FileChunkWriter(
      FileObject file, ChunkTask task, byte[] bytes, long chunkStart, Budget.Lease lease) {
    this.file = file;
    this.task = task;
    this.bytes = bytes;
    this.chunkStart = chunkStart;
    this.lease = lease;
    this.recorded = task.offset() - chunkStart;
  }

  /**
   * Reads as much of {@code max} bytes as the body gives before it ends, then writes them at once:
   * a socket read brings at most 128 KiB (the JDK's largest temporary buffer for it), and each
   * write to the file takes the file's lock, which the other chunks' writers wait for.
   */
  @Override
  public int readFrom(InputStream body, int position, int max) throws IOException {
    byte[] buffer = bytes != null ? bytes : SCRATCH.get();
    int start = bytes != null ? (int) task.offset() + position : 0;
    if (failure != null) {
      IOException e = failure;
      failure = null;
      if (body == failedBody) {
        throw e;
      }
    }
    int want = Math.min(max, buffer.length - start);
    int n = body.read(buffer, start, want);
    while (n > 0 && n < want) {
      int more;
      try {
        more = body.read(buffer, start + n, want - n);
      } catch (IOException e) {
        // The bytes read so far were seen (and hashed) on their way: they are written and counted
        // now, and the failure is the next read's.
        failure = e;
        failedBody = body;
        break;
      }
      if (more < 0) {
        break;
      }
      n += more;
    }
    if (n > 0) {
      file.write(ByteBuffer.wrap(buffer, start, n), task.offset() + position);
      long reached = task.offset() + position + n - chunkStart;
      Journal j = file.journal();
      if (j != null && reached - recorded >= PROGRESS_STEP && position + n < task.length()) {
        file.journal(() -> j.progress(task.index(), reached));
        recorded = reached;
      }
    }
    return n;
  }

  @Override
  public void write(ByteBuffer data) {
    if (bytes != null) {
      data.duplicate().get(bytes, (int) task.offset(), data.remaining());
    }
    // Chunks from interceptors are read-only buffers, which the JDK would copy byte by byte on
    // their way to the file: move them through the scratch array in bulk instead.
    byte[] scratch = SCRATCH.get();
    long position = task.offset();
    while (data.hasRemaining()) {
      int n = Math.min(scratch.length, data.remaining());
      data.get(scratch, 0, n);
      file.write(ByteBuffer.wrap(scratch, 0, n), position);
      position += n;
    }
  }

  /**
   * Writes {@code data} at {@code position}, at most {@link #SCRATCH_SIZE} bytes per call: the JDK
   * copies a heap buffer into a temporary direct buffer of the same size per thread and keeps it,
   * so whole-chunk writes would pin a chunk of native memory on every worker.
   *
   * @param file names the file in the error
   */
  static void writeAt(FileChannel channel, ByteBuffer data, long position, Supplier<Path> file) {
    try {
      int end = data.limit();
      while (data.position() < end) {
        data.limit(Math.min(end, data.position() + SCRATCH_SIZE));
        while (data.hasRemaining()) {
          position += channel.write(data, position);
        }
        data.limit(end);
      }
    } catch (IOException e) {
      throw new RetrieverException(
          Reason.LOCAL_IO,
          "cannot write "
              + file.get()
              + " ("
              + Destination.reason(e)
              + "); check free space and permissions",
          e);
    }
  }

  @Override
  public void finish() {
    lease.release();
    file.chunkWritten(task);
  }
}
