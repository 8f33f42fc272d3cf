package io.retriever.internal.sink;

import io.retriever.ObjectInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/*
 * Format, one text line each: a header "retriever-journal 1 <size> <layout> <etag>", then, for
 * every chunk whose bytes are all in the temporary file, its index, and for a chunk part-way, its
 * index and how many of its first bytes are in ("<index> <bytes>"), each appended after the bytes
 * it speaks of were written. A line cut off by a crash has no newline and is ignored. Nothing is
 * forced to disk (unless asked): the journal is about the death of the process, and the kernel
 * keeps what was written through it. The layout is the chunk layout's fingerprint: for chunks of
 * one size, that size in decimal, as journals have always recorded it.
 */
/**
 * The record of which chunks of a partly downloaded object are in its temporary file, so that a
 * rerun after a crash fetches only the rest.
 *
 * <p>Concurrency: {@link #record} is called by workers at once; appends are serialized.
 */
final class Journal implements AutoCloseable {
  private static final String MAGIC = "retriever-journal 1";

  /** What a journal's name adds to its temporary file's. */
  static final String SUFFIX = ".journal";

  /**
   * What a journal on disk says.
   *
   * @param layout the fingerprint of how the object was cut into chunks
   * @param chunks the chunks whose bytes are all in
   * @param partial for chunks part-way, how many of their first bytes are in
   */
  record Contents(
      long size, String layout, String eTag, BitSet chunks, Map<Integer, Long> partial) {
    /**
     * Returns whether it describes this version of the object, cut the same way: into the layout of
     * fingerprint {@code layout}.
     */
    boolean matches(ObjectInfo object, String layout) {
      return size == object.size()
          && this.layout.equals(layout)
          && Objects.equals(eTag, String.valueOf(object.eTag()));
    }
  }

  private final FileChannel channel;
  private final boolean force;

  private Journal(FileChannel channel, boolean force) {
    this.channel = channel;
    this.force = force;
  }

  /** Returns the journal's path for a temporary file. */
  static Path pathFor(Path temp) {
    return temp.resolveSibling(temp.getFileName() + SUFFIX);
  }

  /** Reads a journal; returns null if there is none or it is not one. */
  static Contents read(Path path) throws IOException {
    List<String> lines;
    try {
      String text = Files.readString(path, StandardCharsets.UTF_8);
      int end = text.lastIndexOf('\n');
      lines = end < 0 ? List.of() : text.substring(0, end).lines().toList();
    } catch (NoSuchFileException e) {
      return null;
    }
    if (lines.isEmpty() || !lines.get(0).startsWith(MAGIC + " ")) {
      return null;
    }
    String[] header = lines.get(0).substring(MAGIC.length() + 1).split(" ", 3);
    if (header.length != 3) {
      return null;
    }
    BitSet chunks = new BitSet();
    Map<Integer, Long> partial = new HashMap<>();
    try {
      for (String line : lines.subList(1, lines.size())) {
        int space = line.indexOf(' ');
        if (space < 0) {
          chunks.set(Integer.parseInt(line.trim()));
        } else {
          partial.merge(
              Integer.parseInt(line.substring(0, space)),
              Long.parseLong(line.substring(space + 1).trim()),
              Math::max);
        }
      }
      partial.keySet().removeIf(chunks::get);
      return new Contents(Long.parseLong(header[0]), header[1], header[2], chunks, partial);
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      return null;
    }
  }

  /**
   * Starts a journal afresh at {@code path} for the object cut into the layout of fingerprint
   * {@code layout}, listing the chunks already in, whole ({@code chunks}) or part-way ({@code
   * partial}).
   */
  static Journal start(
      Path path,
      ObjectInfo object,
      String layout,
      BitSet chunks,
      Map<Integer, Long> partial,
      boolean force,
      FileAttribute<?>... attributes)
      throws IOException {
    StringBuilder text =
        new StringBuilder()
            .append(MAGIC)
            .append(' ')
            .append(object.size())
            .append(' ')
            .append(layout)
            .append(' ')
            .append(object.eTag())
            .append('\n');
    chunks.stream().forEach(i -> text.append(i).append('\n'));
    partial.forEach((i, n) -> text.append(i).append(' ').append(n).append('\n'));
    FileChannel channel =
        FileChannel.open(
            path,
            Set.of(
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING),
            attributes);
    Journal journal = new Journal(channel, force);
    journal.append(text.toString(), force);
    return journal;
  }

  /** Records that chunk {@code index}'s bytes are in the temporary file. */
  void record(int index) throws IOException {
    append(index + "\n", force);
  }

  /**
   * Records that the first {@code bytes} bytes of chunk {@code index} are in the temporary file;
   * never forced to disk, even when whole chunks are.
   */
  void progress(int index, long bytes) throws IOException {
    append(index + " " + bytes + "\n", false);
  }

  private synchronized void append(String line, boolean force) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII));
    long position = channel.size();
    while (bytes.hasRemaining()) {
      position += channel.write(bytes, position);
    }
    if (force) {
      channel.force(false);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }
}
