package io.retriever.internal.sink;

import io.retriever.ChunkTask;
import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.hook.ChunkLayout;
import io.retriever.hook.DownloadedObject;
import io.retriever.internal.flow.Budget;
import io.retriever.internal.pipeline.ChunkWriter;
import io.retriever.internal.pipeline.ObjectSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One object on its way to a file: its temporary file (created when its first chunk is requested),
 * its journal when resumable, and what an interrupted download left of it.
 *
 * <p>Concurrency: opened on the chunker thread; workers write different ranges at once through
 * {@link FileChunkWriter}; {@link #complete} or {@link #discard} once, by the thread that finished
 * the last chunk; {@link #keep} or {@link #discard} by the clean-up after every stage stopped.
 */
final class FileObject extends ObjectSink {
  private static final Logger LOG = LoggerFactory.getLogger(FileObject.class);

  /** The sink it belongs to, told when the object is done with. */
  private final FileSink sink;

  /** The final path. */
  private final Path path;

  /** Its bytes, when the download keeps them in memory, else null. */
  private final byte[] bytes;

  /** Its position in the listing. */
  private final int ordinal;

  /** Whether its temporary file is resumable: it gets a journal. */
  private final boolean journaled;

  /** Whether to force the bytes to disk before the rename. */
  private final boolean fsync;

  /**
   * Its temporary file, held (open and locked) by this download; null until the first chunk is
   * requested. Guarded by {@code this} while null; read by workers after {@link #writer}.
   */
  private volatile PartFiles.Held held;

  /**
   * Whether it was discarded: no temporary file may be created after that, or a worker still
   * writing a chunk would leave one behind. Guarded by this.
   */
  private boolean discarded;

  /** Records finished chunks for a rerun; null when not resuming. */
  private volatile Journal journal;

  /** What an interrupted download left in the temporary file. */
  private final ResumedChunks resumed = new ResumedChunks();

  private boolean restarted;

  /** What the complete file gets, or null to leave them. */
  private final Set<PosixFilePermission> permissions;

  FileObject(
      FileSink sink,
      ObjectInfo object,
      ChunkLayout layout,
      Path path,
      byte[] bytes,
      int ordinal,
      Set<PosixFilePermission> permissions) {
    super(object, layout);
    this.sink = sink;
    this.path = path;
    this.bytes = bytes;
    this.ordinal = ordinal;
    this.permissions = permissions;
    this.journaled = sink.options().resume() && layout.count() > 1 && bytes == null;
    this.fsync = sink.options().fsync();
  }

  int ordinal() {
    return ordinal;
  }

  /** Returns its bytes when the download keeps them in memory, else null. */
  byte[] bytes() {
    return bytes;
  }

  /**
   * Takes over what an interrupted download of this object left, if it can be resumed (a journal of
   * this version); removes what cannot. Other downloads' files are left alone.
   */
  void resumeLeftovers(PartFiles partFiles) throws IOException {
    for (Path leftover : partFiles.leftovers(path)) {
      // Read before the claim: if its writer dies meanwhile, the journal says less than the file
      // holds, never more; after the claim, a scanner may have removed it as an orphan.
      Path oldJournal = Journal.pathFor(leftover);
      Journal.Contents previous = journaled ? Journal.read(oldJournal) : null;
      PartFiles.Held claimed = PartFiles.claim(leftover, path);
      if (claimed == null) {
        continue; // A running download holds it.
      }
      if (held == null && previous != null && previous.matches(object(), layout().fingerprint())) {
        held = claimed;
        resumed.take(previous, layout().count());
        journal = startJournal();
        Files.deleteIfExists(oldJournal);
        alreadyFinished(resumed.whole.cardinality());
        continue;
      }
      if (previous != null && !String.valueOf(object().eTag()).equals(previous.eTag())) {
        restarted = true;
        LOG.warn(
            "{} changed since its interrupted download into {}; starting it over",
            object().uri(),
            path);
      }
      Files.deleteIfExists(claimed.path());
      Files.deleteIfExists(oldJournal);
      claimed.release();
    }
  }

  private Journal startJournal() throws IOException {
    return Journal.start(
        Journal.pathFor(held.path()),
        object(),
        layout().fingerprint(),
        resumed.whole,
        resumed.partial,
        fsync,
        FilePermissions.OWNER_ONLY);
  }

  /** Returns its temporary file, creating it (and its journal) on first use. */
  private PartFiles.Held held() {
    PartFiles.Held h = held;
    if (h != null) {
      return h;
    }
    synchronized (this) {
      if (discarded) {
        throw new RetrieverException(
            Reason.CANCELLED, object().uri() + " was given up; its bytes are no longer wanted");
      }
      if (held == null) {
        try {
          held = PartFiles.create(path, FilePermissions.OWNER_ONLY);
          if (journaled) {
            journal = startJournal();
          }
        } catch (IOException e) {
          throw Destination.cannotWrite(object(), path.getParent(), e);
        }
      }
      return held;
    }
  }

  /** Returns its temporary file's name, or null if it has none yet. */
  Path temp() {
    PartFiles.Held h = held;
    return h == null ? null : h.path();
  }

  @Override
  public boolean resumed(int index) {
    return resumed.has(index);
  }

  @Override
  public long resumedWithin(int index) {
    return resumed.within(index);
  }

  @Override
  public long resumedBytes() {
    return resumed.bytes(layout());
  }

  @Override
  public boolean restarted() {
    return restarted;
  }

  @Override
  public boolean canReadBack() {
    return true;
  }

  @Override
  public int readBack(long position, ByteBuffer into) throws IOException {
    if (bytes != null) {
      int n = (int) Math.min(into.remaining(), bytes.length - position);
      into.put(bytes, (int) position, n);
      return n;
    }
    // Read through the held channel: opening the file again and closing it would drop the lock.
    return held().channel().read(into, position);
  }

  @Override
  public Path target() {
    return path;
  }

  @Override
  public DownloadedObject result() {
    return new DownloadedObject(object(), path, bytes, localSource() != null);
  }

  @Override
  public ChunkWriter writer(ChunkTask task, long sequence, Budget.Lease lease) {
    held();
    return new FileChunkWriter(this, task, bytes, layout().offset(task.index()), lease);
  }

  /** Returns its journal, or null when it has none. */
  Journal journal() {
    return journal;
  }

  /** Records a chunk wholly written in the journal. */
  void chunkWritten(ChunkTask task) {
    Journal j = journal;
    if (j != null) {
      journal(() -> j.record(task.index()));
    }
  }

  /** A write to the journal. */
  interface JournalWrite {
    void run() throws IOException;
  }

  void journal(JournalWrite write) {
    try {
      write.run();
    } catch (IOException e) {
      throw new RetrieverException(
          Reason.LOCAL_IO,
          "cannot write the journal of "
              + temp()
              + " ("
              + Destination.reason(e)
              + "); check free space and permissions",
          e);
    }
  }

  /** Writes {@code data} at {@code position} of its temporary file. */
  void write(ByteBuffer data, long position) {
    FileChunkWriter.writeAt(held.channel(), data, position, this::temp);
  }

  /*
   * The order matters: the bytes are all in and nobody else writes this file (it is locked, under
   * a name of its own); it is set aside out of scanners' sight while the lock is held, since
   * setting its attributes opens it, which drops the lock; the mark goes on before the last
   * rename, so the file appears under its final name with it.
   */
  @Override
  public void complete() {
    PartFiles.Held h = held();
    Path from = h.path();
    try {
      if (fsync) {
        h.channel().force(true);
      }
      from = h.setAside();
      if (permissions != null) {
        Files.setPosixFilePermissions(from, permissions);
      }
      VersionMark.set(from, object());
      Files.move(from, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      h.release();
      Journal j = journal;
      if (j != null) {
        j.close();
        Files.deleteIfExists(Journal.pathFor(h.path()));
      }
    } catch (IOException e) {
      if (!from.equals(h.path())) {
        try {
          Files.deleteIfExists(from); // Set aside, where a clean-up would not look for it.
        } catch (IOException ignored) {
          // The failure below is what matters.
        }
      }
      throw new RetrieverException(
          Reason.LOCAL_IO,
          "cannot move " + from + " to " + path + " (" + Destination.reason(e) + ")",
          e);
    }
    sink.completed(this);
  }

  @Override
  public void discard() {
    sink.forget(this);
    PartFiles.Held h;
    Journal j;
    synchronized (this) {
      discarded = true;
      h = held;
      j = journal;
    }
    try {
      if (h != null) {
        // Removed before the lock goes, so that no scanner takes it for a leftover meanwhile.
        Files.deleteIfExists(h.path());
        Files.deleteIfExists(Journal.pathFor(h.path()));
      }
    } catch (IOException ignored) {
      // Nothing more can be done; the name marks it as a temporary file.
    }
    close(h, j);
  }

  @Override
  public void giveUp(RetrieverException error) {
    if (sink.keeps(error)) {
      sink.keptAlone(keep());
    } else {
      discard();
    }
  }

  /**
   * Leaves its temporary file and journal for a rerun to continue, when it has them, and returns
   * the bytes of whole chunks they hold; else discards it and returns 0.
   */
  long keep() {
    PartFiles.Held h = held;
    Journal j = journal;
    if (h == null || j == null) {
      discard();
      return 0;
    }
    sink.forget(this);
    close(h, j);
    try {
      Journal.Contents contents = Journal.read(Journal.pathFor(h.path()));
      if (contents == null) {
        return 0;
      }
      ResumedChunks kept = new ResumedChunks();
      kept.take(contents, layout().count());
      return kept.bytes(layout());
    } catch (IOException e) {
      return 0; // Kept all the same; a rerun reads the journal again.
    }
  }

  private static void close(PartFiles.Held h, Journal j) {
    try {
      if (h != null) {
        h.release();
      }
      if (j != null) {
        j.close();
      }
    } catch (IOException ignored) {
      // Removing or keeping the files is what matters.
    }
  }

  @Override
  public void revoke() {
    sink.revoked(this);
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.warn("cannot remove {} after it failed: {}", path, e.toString());
    }
  }
}
