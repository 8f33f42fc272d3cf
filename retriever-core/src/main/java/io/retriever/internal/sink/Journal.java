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
import java.util.List;
import java.util.Objects;
import java.util.Set;

/*
 * Format, one text line each: a header "retriever-journal 1 <size> <chunk size> <etag>", then the
 * index of every chunk whose bytes are in the temporary file, appended after its bytes were written.
 * A line cut off by a crash has no newline and is ignored.
 */
/**
 * The record of which chunks of a partly downloaded object are in its temporary file, so that a
 * rerun after a crash fetches only the rest.
 *
 * <p>Concurrency: {@link #record} is called by workers at once; appends are serialized.
 */
final class Journal implements AutoCloseable {
  private static final String MAGIC = "retriever-journal 1";

  /** What a journal on disk says. */
  record Contents(long size, int chunkSize, String eTag, BitSet chunks) {
    /** Returns whether it describes this version of the object, split the same way. */
    boolean matches(ObjectInfo object, int chunkSize) {
      return size == object.size()
          && this.chunkSize == chunkSize
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
    return temp.resolveSibling(temp.getFileName() + ".journal");
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
    try {
      for (String line : lines.subList(1, lines.size())) {
        chunks.set(Integer.parseInt(line.trim()));
      }
      return new Contents(
          Long.parseLong(header[0]), Integer.parseInt(header[1]), header[2], chunks);
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      return null;
    }
  }

  /** Starts a journal afresh at {@code path} for the object, listing the chunks already in. */
  static Journal start(
      Path path,
      ObjectInfo object,
      int chunkSize,
      BitSet chunks,
      boolean force,
      FileAttribute<?>... attributes)
      throws IOException {
    StringBuilder text =
        new StringBuilder()
            .append(MAGIC)
            .append(' ')
            .append(object.size())
            .append(' ')
            .append(chunkSize)
            .append(' ')
            .append(object.eTag())
            .append('\n');
    chunks.stream().forEach(i -> text.append(i).append('\n'));
    FileChannel channel =
        FileChannel.open(
            path,
            Set.of(
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING),
            attributes);
    Journal journal = new Journal(channel, force);
    journal.append(text.toString());
    return journal;
  }

  /** Records that chunk {@code index}'s bytes are in the temporary file. */
  void record(int index) throws IOException {
    append(index + "\n");
  }

  private synchronized void append(String line) throws IOException {
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
