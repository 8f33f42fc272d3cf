package io.retriever.spark.internal;

import io.retriever.ObjectInfo;
import io.retriever.Retriever;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.spark.ObjectOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * An object split across work units: where its pieces are written, each piece's task, and the
 * commit that puts the assembled file in place once every piece is in.
 *
 * <pre>
 * piece tasks (any executors) ─▶ bytes [start, end) into PATH.RUN.retriever-range, at their offsets
 * commit (one task, after all) ─▶ every piece written? ─▶ Retriever.adopt: the store's checks,
 *                                 the version mark, the rename to PATH
 * </pre>
 *
 * <p>Every piece is fetched pinned to the listed ETag, so the file holds one version; the commit
 * checks the whole file by what the store keeps (the MD5 ETag, a full-object or each part's
 * checksum) before it gets its name; bytes that fail it are fetched again whole by the commit, with
 * the core's own checks. A piece that failed fails the object, named, and its file is deleted.
 */
final class SplitObject {
  /** What the temporary file of a split object adds to its final name. */
  static final String SUFFIX = ".retriever-range";

  private SplitObject() {}

  /** Writes one piece on this executor; returns what became of it. */
  static Done write(DownloadJob job, ExecutorRetrievers.Shared shared, int unit, WorkItem piece)
      throws InterruptedException {
    ObjectInfo info = piece.object().toObjectInfo(job.bucket());
    try {
      Path target = job.pathOf(info);
      if (shared.retriever().isCurrent(target, info)) {
        return Done.inPlace(piece, unit);
      }
      Files.createDirectories(target.getParent());
      shared
          .ranges()
          .write(
              job.bucket(),
              piece.object(),
              piece.start(),
              piece.end(),
              temporary(job, target),
              job.options().chunkSize());
      TaskProbe.pieceWritten(unit, piece.object().key(), piece.start(), piece.end());
      return Done.written(piece, unit);
    } catch (RetrieverException e) {
      return Done.failed(piece, e.getMessage(), unit);
    } catch (IOException e) {
      return Done.failed(piece, "cannot write below " + job.destination() + ": " + e, unit);
    }
  }

  /** Puts the object in place once all its pieces are in; returns its one outcome. */
  static ObjectOutcome commit(DownloadJob job, Iterable<Done> done) {
    List<Done> pieces = new ArrayList<>();
    done.forEach(pieces::add);
    pieces.sort(Comparator.comparingLong(d -> d.piece().start()));
    ListedObject object = pieces.get(0).piece().object();
    ObjectInfo info = object.toObjectInfo(job.bucket());
    int unit = pieces.get(0).unit();
    Path target;
    try {
      target = job.pathOf(info);
    } catch (RetrieverException e) {
      return failed(object, Path.of(job.destination(), object.key()), e.getMessage(), unit);
    }
    Path temporary = temporary(job, target);
    String problem = problem(object, pieces);
    if (problem != null) {
      delete(temporary);
      return failed(object, target, problem, unit);
    }
    ExecutorRetrievers.Shared shared = ExecutorRetrievers.get(job.options());
    Retriever retriever = shared.retriever();
    if (pieces.stream().allMatch(Done::upToDate) && retriever.isCurrent(target, info)) {
      return new ObjectOutcome(
          object.key(), object.size(), target.toString(), ObjectOutcome.UP_TO_DATE, null, unit);
    }
    try {
      Optional<String> checkedBy =
          retriever.adopt(info, temporary, target, job.options().overwrite());
      return new ObjectOutcome(
          object.key(),
          object.size(),
          target.toString(),
          ObjectOutcome.DOWNLOADED,
          checkedBy.isPresent()
              ? null
              : ObjectOutcome.NOT_VERIFIED
                  + "the store keeps no checksum for it and its ETag is not an MD5",
          unit);
    } catch (RetrieverException e) {
      if (retriever.isCurrent(target, info)) {
        // Another attempt of this download (a rerun, a speculative task) put it in place.
        delete(temporary);
        return new ObjectOutcome(
            object.key(), object.size(), target.toString(), ObjectOutcome.UP_TO_DATE, null, unit);
      }
      if (e.reason() == Reason.CORRUPT || !Files.exists(temporary)) {
        // The pieces' bytes are wrong (a store that lied about a range) or gone: fetch it again
        // whole, with the core's checks, on this task.
        delete(temporary);
        return new UnitDownloader(job).wholeObjects(unit, List.of(info), shared).get(0);
      }
      delete(temporary);
      return failed(object, target, e.getMessage(), unit);
    }
  }

  /** Returns why the pieces do not make the whole object, or null when they do. */
  private static String problem(ListedObject object, List<Done> pieces) {
    for (Done d : pieces) {
      if (d.error() != null) {
        return d.error();
      }
    }
    long next = 0;
    for (Done d : pieces) {
      if (d.piece().start() != next) {
        return "bytes " + next + "-" + (d.piece().start() - 1) + " were never written";
      }
      next = d.piece().end();
    }
    return next == object.size() && pieces.size() == pieces.get(0).piece().pieces()
        ? null
        : "only " + pieces.size() + " of its " + pieces.get(0).piece().pieces() + " pieces came";
  }

  private static Path temporary(DownloadJob job, Path target) {
    return target.resolveSibling(target.getFileName() + "." + job.run() + SUFFIX);
  }

  private static ObjectOutcome failed(ListedObject o, Path target, String error, int unit) {
    return new ObjectOutcome(
        o.key(), o.size(), target.toString(), ObjectOutcome.FAILED, error, unit);
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Left behind under a name of its own; a rerun writes over it.
    }
  }
}
