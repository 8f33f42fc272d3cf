package io.retriever.internal.sink;

import io.retriever.ChunkTask;
import io.retriever.DownloadedFile;
import io.retriever.FileOptions;
import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.hook.DownloadedObject;
import io.retriever.hook.ObjectInterceptor;
import io.retriever.hook.ObjectPlan;
import io.retriever.internal.Fixes;
import io.retriever.internal.flow.Budget;
import io.retriever.internal.pipeline.ChunkWriter;
import io.retriever.internal.pipeline.ObjectSink;
import io.retriever.internal.pipeline.RefusedKey;
import io.retriever.internal.pipeline.Sink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink that writes files: each object goes to a temporary file beside its final name, each
 * chunk written at its offset as it arrives (no reordering), and the file is renamed into place
 * when its last chunk is in. After a failure, every temporary file is removed; files already
 * renamed are complete and stay. After a cancellation, with {@link FileOptions#keepPartial()}, the
 * temporary files a rerun can continue stay too.
 *
 * <p>Each temporary file has a name of its own and is locked by its writer (see {@link PartFiles}),
 * so two downloads into one directory never write one file; it is created when its object's first
 * chunk is requested.
 *
 * <p>Resume: a completed file carries a mark of the object version it holds, and files that hold
 * the listed version are skipped. A large object's temporary file has a journal beside it that
 * lists the chunks already written, and how far the chunks being written got, so that after a crash
 * (nothing removes them then) a rerun takes the file over and fetches only the rest, or starts over
 * when the object has changed since.
 *
 * <p>Concurrency: the chunker opens objects; workers write different ranges of a file at once
 * through positional writes; the worker that finishes an object's last chunk renames it.
 */
public final class FileSink implements Sink {
  private static final Logger LOG = LoggerFactory.getLogger(FileSink.class);

  /** Bytes each worker moves from the response to the file at a time. */
  private static final int SCRATCH_SIZE = 256 * 1024;

  /** Bytes written into a chunk between two records of its progress in the journal. */
  static final int PROGRESS_STEP = 1 << 20;

  private static final ThreadLocal<byte[]> SCRATCH =
      ThreadLocal.withInitial(() -> new byte[SCRATCH_SIZE]);

  private final Path root;
  private final Function<ObjectInfo, Path> target;
  private final FileOptions options;
  private final int chunkSize;

  /** Objects whose temporary file exists and is not yet renamed. */
  private final Set<FileObject> unfinished = ConcurrentHashMap.newKeySet();

  /** Directories already checked and created; only the chunker thread uses it. */
  private final Set<Path> checkedDirectories = new java.util.HashSet<>();

  /** The final path of every object opened, so that a key cannot need one as a directory. */
  private final Set<Path> files = ConcurrentHashMap.newKeySet();

  /** Completed files by listing position. */
  private final ConcurrentSkipListMap<Integer, DownloadedFile> done = new ConcurrentSkipListMap<>();

  /** Objects opened so far; only the chunker thread writes it. */
  private int opened;

  /** Finds what interrupted downloads left; only the chunker thread uses it. */
  private final PartFiles partFiles = new PartFiles();

  /** Whether the download was cancelled (rather than failed). */
  private volatile boolean cancelled;

  /**
   * @param root the directory no file may be written outside of
   * @param target maps each object to its final path
   */
  public FileSink(
      Path root, Function<ObjectInfo, Path> target, FileOptions options, int chunkSize) {
    this.root = root.toAbsolutePath().normalize();
    this.target = target;
    this.options = options;
    this.chunkSize = chunkSize;
  }

  @Override
  public Path target(ObjectInfo object) {
    try {
      return target.apply(object);
    } catch (RefusedKey e) {
      return null; // open() refuses it, and the object fails alone.
    }
  }

  /**
   * Makes a folder marker's directory, empty, with the checks a file's directory gets: below the
   * destination, no file (another key's) on the way, no symbolic link leading out.
   */
  @Override
  public Path folder(ObjectInfo marker, ObjectInfo directory) {
    Path path = target.apply(directory).toAbsolutePath().normalize();
    for (Path p = path; p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
      if (files.contains(p) || Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new RefusedKey(
            "cannot make folder marker "
                + marker.uri()
                + " the directory "
                + path
                + ": "
                + p
                + " is a file (another key's)");
      }
    }
    try {
      // Checked before creating anything, so that a link cannot lead the new directory out.
      Path existing = path;
      while (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
        existing = existing.getParent();
      }
      if (!existing.toRealPath().startsWith(realRoot())) {
        throw new RefusedKey(
            "refusing folder marker "
                + marker.uri()
                + ": a symbolic link inside "
                + root
                + " leads out of it");
      }
    } catch (IOException e) {
      throw new RetrieverException(
          Reason.LOCAL_IO, "cannot resolve " + path + " (" + reason(e) + ")", e);
    }
    createDirectories(path);
    return path;
  }

  @Override
  public ObjectInterceptor interceptor() {
    return options.resume() ? FileSink::skipCurrent : null;
  }

  /** Skips an object whose file already holds the listed version. */
  private static ObjectPlan skipCurrent(ObjectInterceptor.ObjectChain chain) throws Exception {
    Path path = chain.target();
    if (path != null && VersionMark.current(path, chain.object())) {
      return ObjectPlan.skip("up to date");
    }
    return chain.proceed();
  }

  @Override
  public ObjectSink open(ObjectInfo object, Path target, int chunks, long firstSequence)
      throws IOException {
    Path path = (target != null ? target : this.target.apply(object)).toAbsolutePath().normalize();
    if (!path.startsWith(root) || path.equals(root)) {
      throw new RefusedKey(
          "refusing key '" + object.key() + "': it would be written outside " + root);
    }
    BasicFileAttributes existing = attributesIfAny(path);
    if (existing != null && existing.isSymbolicLink()) {
      throw new RefusedKey(
          "refusing to write " + object.uri() + " to " + path + ": it is a symbolic link");
    }
    if (existing != null && existing.isDirectory()) {
      throw new RefusedKey(
          "cannot write "
              + object.uri()
              + " to "
              + path
              + ": a directory of that name exists (another key has it as a prefix); keys 'a'"
              + " and 'a/b' cannot both be files");
    }
    if (!options.overwrite() && existing != null && !VersionMark.ours(path, object)) {
      throw new RefusedKey(
          path
              + " already exists and is not a copy of "
              + object.uri()
              + " that Retriever wrote; to replace it, allow overwriting ("
              + Fixes.OVERWRITE
              + ")");
    }
    byte[] bytes = options.keepInMemory() ? MemorySink.allocate(object) : null;
    Path parent = path.getParent();
    if (!checkedDirectories.contains(parent)) {
      checkDirectory(object, path, parent);
      checkedDirectories.add(parent);
    }
    // The file itself is created when its first chunk is requested, so that an object only
    // planned when the download stops leaves nothing behind.
    FileObject file = new FileObject(object, chunks, path, bytes, opened++);
    unfinished.add(file);
    files.add(path);
    try {
      file.resumeLeftovers();
    } catch (IOException e) {
      throw new RetrieverException(
          Reason.LOCAL_IO,
          "cannot write "
              + object.uri()
              + " into "
              + parent
              + " ("
              + reason(e)
              + "); choose a writable destination",
          e);
    }
    return file;
  }

  /**
   * Returns what is at {@code path}, not following a link, or null if nothing is or it cannot be
   * seen (then creating the temporary file says why).
   */
  private static BasicFileAttributes attributesIfAny(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Checks that {@code parent} can hold {@code path}: no file (another key's) on the way to it, and
   * no symbolic link that leads out of the destination; creates it.
   */
  private void checkDirectory(ObjectInfo object, Path path, Path parent) {
    for (Path p = parent; p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
      if (files.contains(p) || Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new RefusedKey(
            "cannot write "
                + object.uri()
                + " to "
                + path
                + ": "
                + p
                + " is a file (another key's); keys 'a' and 'a/b' cannot both be files");
      }
    }
    createDirectories(parent);
    try {
      if (!parent.toRealPath().startsWith(realRoot())) {
        throw new RefusedKey(
            "refusing to write "
                + object.uri()
                + " to "
                + path
                + ": a symbolic link inside "
                + root
                + " leads out of it");
      }
    } catch (IOException e) {
      throw new RetrieverException(
          Reason.LOCAL_IO, "cannot resolve " + parent + " (" + reason(e) + ")", e);
    }
  }

  /**
   * Creates {@code directory} and its parents if they are missing.
   *
   * @throws RetrieverException that says why it cannot be done and what to do
   */
  public static void createDirectories(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new RetrieverException(
          Reason.LOCAL_IO,
          "cannot create directory "
              + directory
              + " ("
              + reason(e)
              + "); choose a writable destination",
          e);
    }
  }

  /** Owner-only access, for temporary files. */
  private static final FileAttribute<?>[] OWNER_ONLY =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
          ? new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
          }
          : new FileAttribute<?>[0];

  /** What a new file gets by default here (the umask's say), for complete files; once. */
  private Set<PosixFilePermission> finalPermissions;

  private boolean permissionsProbed;

  /** Learns the permissions a file created in {@code directory} gets, by creating one. */
  private Set<PosixFilePermission> finalPermissions(Path directory) {
    if (!permissionsProbed && OWNER_ONLY.length > 0) {
      permissionsProbed = true;
      Path probe =
          directory.resolve(
              ".retriever-probe-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
      try {
        Files.createFile(probe);
        finalPermissions = Files.getPosixFilePermissions(probe);
      } catch (IOException | UnsupportedOperationException e) {
        // No POSIX permissions to learn here: complete files keep the temporary file's.
        finalPermissions = null;
      } finally {
        try {
          Files.deleteIfExists(probe);
        } catch (IOException ignored) {
          // A stray empty probe file is harmless.
        }
      }
    }
    return finalPermissions;
  }

  /** The destination with every link in it resolved, once. */
  private Path realRoot;

  private Path realRoot() throws IOException {
    if (realRoot == null) {
      realRoot = root.toRealPath();
    }
    return realRoot;
  }

  static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return e.toString();
  }

  @Override
  public void failed(RetrieverException failure) {
    cancelled = failure.reason() == Reason.CANCELLED;
  }

  /**
   * Removes the temporary files of unfinished objects; when the download was cancelled and the
   * options say so, keeps those a rerun can continue (with their journals) instead.
   */
  @Override
  public void cleanUp() {
    boolean keep = cancelled && options.keepPartial() && options.resume();
    for (FileObject file : List.copyOf(unfinished)) {
      if (keep) {
        file.keep();
      } else {
        file.discard();
      }
    }
  }

  /** Returns the completed files in listing order. */
  public List<DownloadedFile> files() {
    return List.copyOf(done.values());
  }

  /** One object on its way to a file. */
  private final class FileObject extends ObjectSink {
    private final Path path;
    private final byte[] bytes;
    private final int ordinal;
    private final int chunks;

    /** Whether its temporary file is resumable: it gets a journal. */
    private final boolean journaled;

    /**
     * Its temporary file, held (open and locked) by this download; null until the first chunk is
     * requested. Guarded by {@code this} while null; read by workers after {@link #writer}.
     */
    private volatile PartFiles.Held held;

    /** Records finished chunks for a rerun; null when not resuming. */
    private volatile Journal journal;

    /** Chunks already in the temporary file from an interrupted download. */
    private final BitSet resumed = new BitSet();

    /** For chunks part-way in the temporary file from an interrupted download, how far. */
    private final Map<Integer, Long> resumedWithin = new HashMap<>();

    private boolean restarted;

    /** What the complete file gets, or null to leave them. */
    private final Set<PosixFilePermission> permissions;

    FileObject(ObjectInfo object, int chunks, Path path, byte[] bytes, int ordinal)
        throws IOException {
      super(object, chunks);
      this.path = path;
      this.bytes = bytes;
      this.ordinal = ordinal;
      this.chunks = chunks;
      this.permissions = finalPermissions(path.getParent());
      this.journaled = options.resume() && chunks > 1 && bytes == null;
    }

    /**
     * Takes over what an interrupted download of this object left, if it can be resumed (a journal
     * of this version); removes what cannot. Other downloads' files are left alone.
     */
    void resumeLeftovers() throws IOException {
      for (Path leftover : partFiles.leftovers(path)) {
        // Read before the claim: if its writer dies meanwhile, the journal says less than the
        // file holds, never more; after the claim, a scanner may have removed it as an orphan.
        Path oldJournal = Journal.pathFor(leftover);
        Journal.Contents previous = journaled ? Journal.read(oldJournal) : null;
        PartFiles.Held claimed = PartFiles.claim(leftover, path);
        if (claimed == null) {
          continue; // A running download holds it.
        }
        if (held == null && previous != null && previous.matches(object(), chunkSize)) {
          held = claimed;
          resumed.or(previous.chunks());
          resumed.clear(chunks, Integer.MAX_VALUE);
          previous
              .partial()
              .forEach(
                  (i, n) -> {
                    if (i < chunks && n > 0) {
                      resumedWithin.put(i, n);
                    }
                  });
          journal = startJournal();
          Files.deleteIfExists(oldJournal);
          alreadyFinished(resumed.cardinality());
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
          chunkSize,
          resumed,
          resumedWithin,
          options.fsync(),
          OWNER_ONLY);
    }

    /** Returns its temporary file, creating it (and its journal) on first use. */
    private PartFiles.Held held() {
      PartFiles.Held h = held;
      if (h != null) {
        return h;
      }
      synchronized (this) {
        if (held == null) {
          try {
            held = PartFiles.create(path, OWNER_ONLY);
            if (journaled) {
              journal = startJournal();
            }
          } catch (IOException e) {
            throw new RetrieverException(
                Reason.LOCAL_IO,
                "cannot write "
                    + object().uri()
                    + " into "
                    + path.getParent()
                    + " ("
                    + reason(e)
                    + "); choose a writable destination",
                e);
          }
        }
        return held;
      }
    }

    /** Returns its temporary file's name, or null if it has none yet. */
    private Path temp() {
      PartFiles.Held h = held;
      return h == null ? null : h.path();
    }

    @Override
    public boolean resumed(int index) {
      return resumed.get(index);
    }

    @Override
    public long resumedWithin(int index) {
      return resumed.get(index) ? 0 : resumedWithin.getOrDefault(index, 0L);
    }

    @Override
    public long resumedBytes() {
      long total = 0;
      for (int i = resumed.nextSetBit(0); i >= 0; i = resumed.nextSetBit(i + 1)) {
        total += Math.min(chunkSize, object().size() - (long) i * chunkSize);
      }
      for (int i : resumedWithin.keySet()) {
        total += resumedWithin(i);
      }
      return total;
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
      long chunkStart = (long) task.index() * chunkSize;
      return new ChunkWriter() {
        /** How far into the chunk the journal last recorded its bytes as in. */
        private long recorded = task.offset() - chunkStart;

        @Override
        public int readFrom(InputStream body, int position, int max) throws IOException {
          byte[] buffer = bytes != null ? bytes : SCRATCH.get();
          int start = bytes != null ? (int) task.offset() + position : 0;
          int n = body.read(buffer, start, Math.min(max, buffer.length - start));
          if (n > 0) {
            FileObject.this.write(ByteBuffer.wrap(buffer, start, n), task.offset() + position);
            long reached = task.offset() + position + n - chunkStart;
            Journal j = journal;
            if (j != null && reached - recorded >= PROGRESS_STEP && position + n < task.length()) {
              journal(() -> j.progress(task.index(), reached));
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
          // Chunks from interceptors are read-only buffers, which the JDK would copy byte by
          // byte on their way to the file: move them through the scratch array in bulk instead.
          byte[] scratch = SCRATCH.get();
          long position = task.offset();
          while (data.hasRemaining()) {
            int n = Math.min(scratch.length, data.remaining());
            data.get(scratch, 0, n);
            FileObject.this.write(ByteBuffer.wrap(scratch, 0, n), position);
            position += n;
          }
        }

        @Override
        public void finish() {
          lease.release();
          Journal j = journal;
          if (j != null) {
            journal(() -> j.record(task.index()));
          }
        }
      };
    }

    /** A write to the journal. */
    private interface JournalWrite {
      void run() throws IOException;
    }

    private void journal(JournalWrite write) {
      try {
        write.run();
      } catch (IOException e) {
        throw new RetrieverException(
            Reason.LOCAL_IO,
            "cannot write the journal of "
                + temp()
                + " ("
                + reason(e)
                + "); check free space and permissions",
            e);
      }
    }

    /**
     * Writes {@code data} at {@code position}, at most {@link #SCRATCH_SIZE} bytes per call: the
     * JDK copies a heap buffer into a temporary direct buffer of the same size per thread and keeps
     * it, so whole-chunk writes would pin a chunk of native memory on every worker.
     */
    private void write(ByteBuffer data, long position) {
      FileChannel channel = held.channel();
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
            "cannot write " + temp() + " (" + reason(e) + "); check free space and permissions",
            e);
      }
    }

    /*
     * The order matters: the bytes are all in and nobody else writes this file (it is locked,
     * under a name of its own); it is set aside out of scanners' sight while the lock is held,
     * since setting its attributes opens it, which drops the lock; the mark goes on before the
     * last rename, so the file appears under its final name with it.
     */
    @Override
    public void complete() {
      PartFiles.Held h = held();
      Path from = h.path();
      try {
        if (options.fsync()) {
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
            Reason.LOCAL_IO, "cannot move " + from + " to " + path + " (" + reason(e) + ")", e);
      }
      unfinished.remove(this);
      done.put(ordinal, new DownloadedFile(object(), path, bytes));
    }

    @Override
    public void discard() {
      unfinished.remove(this);
      PartFiles.Held h = held;
      Journal j = journal;
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

    /**
     * Leaves its temporary file and journal for a rerun to continue, when it has them; else
     * discards it.
     */
    void keep() {
      PartFiles.Held h = held;
      Journal j = journal;
      if (h == null || j == null) {
        discard();
        return;
      }
      unfinished.remove(this);
      close(h, j);
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
      done.remove(ordinal);
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        LOG.warn("cannot remove {} after it failed: {}", path, e.toString());
      }
    }
  }
}
