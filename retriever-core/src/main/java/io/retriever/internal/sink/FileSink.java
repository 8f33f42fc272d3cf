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
import io.retriever.internal.pipeline.ByteBudget;
import io.retriever.internal.pipeline.ChunkWriter;
import io.retriever.internal.pipeline.ObjectSink;
import io.retriever.internal.pipeline.RefusedKey;
import io.retriever.internal.pipeline.Sink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.BitSet;
import java.util.List;
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
 * renamed are complete and stay.
 *
 * <p>Resume: a completed file carries a mark of the object version it holds, and files that hold
 * the listed version are skipped. A temporary file has a fixed name and a journal beside it that
 * lists the chunks already written, so that after a crash (nothing removes them then) a rerun
 * fetches only the rest, or starts over when the object has changed since.
 *
 * <p>Concurrency: the chunker opens objects; workers write different ranges of a file at once
 * through positional writes; the worker that finishes an object's last chunk renames it.
 */
public final class FileSink implements Sink {
  private static final Logger LOG = LoggerFactory.getLogger(FileSink.class);

  /** Bytes each worker moves from the response to the file at a time. */
  private static final int SCRATCH_SIZE = 256 * 1024;

  /** Longest file name kept in a temporary file's name. */
  private static final int MAX_NAME_IN_TEMP = 128;

  private static final ThreadLocal<byte[]> SCRATCH =
      ThreadLocal.withInitial(() -> new byte[SCRATCH_SIZE]);

  private final Path root;
  private final Function<ObjectInfo, Path> target;
  private final FileOptions options;
  private final ByteBudget budget;
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

  /**
   * @param root the directory no file may be written outside of
   * @param target maps each object to its final path
   */
  public FileSink(
      Path root,
      Function<ObjectInfo, Path> target,
      FileOptions options,
      ByteBudget budget,
      int chunkSize) {
    this.root = root.toAbsolutePath().normalize();
    this.target = target;
    this.options = options;
    this.budget = budget;
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
    if (!options.overwrite() && existing != null && !VersionMark.ours(path)) {
      throw new RefusedKey(
          path
              + " already exists; pass --overwrite"
              + " (FileOptions.withOverwrite) to replace it");
    }
    byte[] bytes = options.keepInMemory() ? MemorySink.allocate(object) : null;
    Path temp = tempPath(object, path);
    FileObject file;
    try {
      file = new FileObject(object, chunks, path, temp, bytes, opened++);
    } catch (RetrieverException e) {
      throw e;
    } catch (IOException e) {
      throw new RetrieverException(
          Reason.LOCAL_IO,
          "cannot write "
              + object.uri()
              + " into "
              + temp.getParent()
              + " ("
              + reason(e)
              + "); choose a writable destination",
          e);
    }
    unfinished.add(file);
    files.add(path);
    return file;
  }

  /**
   * Creates the directories above {@code path} and returns a temporary name beside it: the same for
   * every download of it when resuming, so that a rerun finds it; else a fresh one.
   */
  private Path tempPath(ObjectInfo object, Path path) {
    Path parent = path.getParent();
    if (!checkedDirectories.contains(parent)) {
      checkDirectory(object, path, parent);
      checkedDirectories.add(parent);
    }
    String name = path.getFileName().toString();
    String tag;
    if (options.resume()) {
      tag = name.length() > MAX_NAME_IN_TEMP ? Integer.toHexString(name.hashCode()) + "." : "";
    } else {
      tag = Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".";
    }
    if (name.length() > MAX_NAME_IN_TEMP) {
      name = name.substring(0, MAX_NAME_IN_TEMP);
    }
    return parent.resolve("." + name + "." + tag + "retriever-part");
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
  public void cleanUp() {
    for (FileObject file : List.copyOf(unfinished)) {
      file.discard();
    }
  }

  /** Returns the completed files in listing order. */
  public List<DownloadedFile> files() {
    return List.copyOf(done.values());
  }

  /** One object on its way to a file. */
  private final class FileObject extends ObjectSink {
    private final Path path;
    private final Path temp;
    private final byte[] bytes;
    private final int ordinal;
    private final FileChannel channel;

    /** Records finished chunks for a rerun; null when not resuming. */
    private final Journal journal;

    /** Chunks already in the temporary file from an interrupted download. */
    private final BitSet resumed;

    private final boolean restarted;

    /** What the complete file gets, or null to leave them. */
    private final Set<PosixFilePermission> permissions;

    FileObject(ObjectInfo object, int chunks, Path path, Path temp, byte[] bytes, int ordinal)
        throws IOException {
      super(object, chunks);
      this.path = path;
      this.temp = temp;
      this.bytes = bytes;
      this.ordinal = ordinal;
      this.permissions = finalPermissions(temp.getParent());
      if (!options.resume() || chunks <= 1) {
        // One GET or none: nothing to resume part of, so no journal and no lock.
        this.channel = openFresh(temp, options.resume());
        this.journal = null;
        this.resumed = new BitSet();
        this.restarted = false;
        return;
      }
      Path journalPath = Journal.pathFor(temp);
      Journal.Contents previous = Files.exists(temp) ? Journal.read(journalPath) : null;
      BitSet already = new BitSet();
      boolean changed = false;
      if (previous != null && previous.matches(object, chunkSize) && bytes == null) {
        already = previous.chunks();
        already.clear(chunks, Integer.MAX_VALUE);
      } else if (previous != null) {
        changed = !String.valueOf(object.eTag()).equals(previous.eTag());
        if (changed) {
          LOG.warn(
              "{} changed since its interrupted download into {}; starting it over",
              object.uri(),
              path);
        }
      }
      this.channel =
          FileChannel.open(
              temp, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), OWNER_ONLY);
      try {
        if (channel.tryLock() == null) {
          throw new RetrieverException(
              Reason.LOCAL_IO,
              "another process is downloading into "
                  + temp
                  + "; wait for it to finish or choose another destination");
        }
        if (already.isEmpty()) {
          channel.truncate(0);
        }
        this.journal =
            Journal.start(journalPath, object, chunkSize, already, options.fsync(), OWNER_ONLY);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      this.resumed = already;
      this.restarted = changed;
      alreadyFinished(already.cardinality());
    }

    /**
     * Creates the temporary file; when resuming, one left by an interrupted run (whose name is
     * fixed) is started over, and a journal beside it from a larger version removed.
     */
    private static FileChannel openFresh(Path temp, boolean resume) throws IOException {
      try {
        return FileChannel.open(
            temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OWNER_ONLY);
      } catch (FileAlreadyExistsException e) {
        if (!resume) {
          throw e;
        }
        Files.deleteIfExists(Journal.pathFor(temp));
        return FileChannel.open(
            temp,
            Set.of(StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING),
            OWNER_ONLY);
      }
    }

    @Override
    public boolean resumed(int index) {
      return resumed.get(index);
    }

    @Override
    public long resumedBytes() {
      long total = 0;
      for (int i = resumed.nextSetBit(0); i >= 0; i = resumed.nextSetBit(i + 1)) {
        total += Math.min(chunkSize, object().size() - (long) i * chunkSize);
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
      try (FileChannel in = FileChannel.open(temp, StandardOpenOption.READ)) {
        return in.read(into, position);
      }
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
    public ChunkWriter writer(ChunkTask task, long sequence) {
      return new ChunkWriter() {
        @Override
        public int readFrom(InputStream body, int position, int max) throws IOException {
          byte[] buffer = bytes != null ? bytes : SCRATCH.get();
          int start = bytes != null ? (int) task.offset() + position : 0;
          int n = body.read(buffer, start, Math.min(max, buffer.length - start));
          if (n > 0) {
            FileObject.this.write(ByteBuffer.wrap(buffer, start, n), task.offset() + position);
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
          budget.release(task.length());
          if (journal != null) {
            try {
              journal.record(task.index());
            } catch (IOException e) {
              throw new RetrieverException(
                  Reason.LOCAL_IO,
                  "cannot write the journal of "
                      + temp
                      + " ("
                      + reason(e)
                      + "); check free space and permissions",
                  e);
            }
          }
        }
      };
    }

    /**
     * Writes {@code data} at {@code position}, at most {@link #SCRATCH_SIZE} bytes per call: the
     * JDK copies a heap buffer into a temporary direct buffer of the same size per thread and keeps
     * it, so whole-chunk writes would pin a chunk of native memory on every worker.
     */
    private void write(ByteBuffer data, long position) {
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
            "cannot write " + temp + " (" + reason(e) + "); check free space and permissions",
            e);
      }
    }

    @Override
    public void complete() {
      try {
        if (options.fsync()) {
          channel.force(true);
        }
        channel.close();
        if (permissions != null) {
          Files.setPosixFilePermissions(temp, permissions);
        }
        VersionMark.set(temp, object());
        Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (journal != null) {
          journal.close();
          Files.deleteIfExists(Journal.pathFor(temp));
        }
      } catch (IOException e) {
        throw new RetrieverException(
            Reason.LOCAL_IO, "cannot move " + temp + " to " + path + " (" + reason(e) + ")", e);
      }
      unfinished.remove(this);
      done.put(ordinal, new DownloadedFile(object(), path, bytes));
    }

    @Override
    public void discard() {
      unfinished.remove(this);
      try {
        channel.close();
        if (journal != null) {
          journal.close();
        }
      } catch (IOException ignored) {
        // Removing the files is what matters.
      }
      try {
        Files.deleteIfExists(temp);
        if (journal != null) {
          Files.deleteIfExists(Journal.pathFor(temp));
        }
      } catch (IOException ignored) {
        // Nothing more can be done; the name marks it as a temporary file.
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
