package io.retriever.spark.internal;

import io.retriever.DownloadRequest;
import io.retriever.DownloadedFile;
import io.retriever.FileDownload;
import io.retriever.FileOptions;
import io.retriever.IncompleteDownloadException;
import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.event.ObjectFailed;
import io.retriever.spark.ObjectOutcome;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.SparkEnv;

/**
 * Downloads one work unit into the destination with the executor's shared {@code Retriever}, and
 * accounts for each of its objects: downloaded, already up to date, or failed with its error.
 *
 * <p>Spark may run a unit more than once (a retried or speculative task). That is harmless: the
 * core writes each object to a temporary file and renames it into place when it is complete and
 * checked, and skips a file that already holds the listed version.
 *
 * <p>Concurrency: one task's thread; many units run at once on one executor's retriever.
 */
final class UnitDownloader {
  private final DownloadJob job;

  UnitDownloader(DownloadJob job) {
    this.job = job;
  }

  /**
   * Does the items of unit {@code unit}: returns one outcome per whole object, and what became of
   * each piece of a split one.
   */
  Iterator<Done> download(int unit, Iterator<WorkItem> items) throws InterruptedException {
    List<ObjectInfo> objects = new ArrayList<>();
    List<WorkItem> pieces = new ArrayList<>();
    items.forEachRemaining(
        i -> {
          if (i.isWhole()) {
            objects.add(i.object().toObjectInfo(job.bucket()));
          } else {
            pieces.add(i);
          }
        });
    List<Done> done = new ArrayList<>(objects.size() + pieces.size());
    if (objects.isEmpty() && pieces.isEmpty()) {
      return done.iterator();
    }
    ExecutorRetrievers.Shared shared = ExecutorRetrievers.get(job.options());
    for (WorkItem piece : pieces) {
      done.add(SplitObject.write(job, shared, unit, piece));
    }
    if (!objects.isEmpty()) {
      for (ObjectOutcome o : wholeObjects(unit, objects, shared)) {
        done.add(Done.of(o));
      }
    }
    return done.iterator();
  }

  /** Downloads whole objects with the executor's retriever; returns one outcome per object. */
  List<ObjectOutcome> wholeObjects(
      int unit, List<ObjectInfo> objects, ExecutorRetrievers.Shared shared) {
    if (job.kind() == DownloadJob.Kind.HADOOP) {
      return toHadoop(unit, objects, shared);
    }
    // On each node's own disk, where an object landed names the node.
    String host = job.kind() == DownloadJob.Kind.NODE_LOCAL ? host() + ":" : "";
    return toDirectory(
        unit,
        objects,
        shared,
        Path.of(job.destination()),
        f -> host + f.path(),
        o -> host + where(o));
  }

  /**
   * Downloads objects into a local scratch directory, each checked, and moves each into the Hadoop
   * file system as it completes; objects whose files are there already are not fetched.
   */
  private List<ObjectOutcome> toHadoop(
      int unit, List<ObjectInfo> objects, ExecutorRetrievers.Shared shared) {
    HadoopFiles files = HadoopFiles.open(job);
    List<ObjectOutcome> outcomes = new ArrayList<>(objects.size());
    List<ObjectInfo> wanted = new ArrayList<>();
    for (ObjectInfo o : objects) {
      if (files.current(o)) {
        outcomes.add(
            new ObjectOutcome(
                o.key(),
                o.size(),
                files.target(o).toString(),
                ObjectOutcome.UP_TO_DATE,
                null,
                unit));
      } else {
        wanted.add(o);
      }
    }
    if (wanted.isEmpty()) {
      return outcomes;
    }
    Path scratch;
    try {
      scratch = Files.createTempDirectory(scratchRoot(), "retriever-" + job.run() + "-");
    } catch (IOException e) {
      throw new RetrieverException(
          Reason.LOCAL_IO, "cannot make scratch space under " + scratchRoot() + ": " + e, e);
    }
    try {
      outcomes.addAll(
          toDirectory(
              unit,
              wanted,
              shared,
              scratch,
              f -> files.put(f.path(), f.object(), job.options().overwrite()),
              o -> targetOf(files, o)));
    } finally {
      deleteTree(scratch);
    }
    return outcomes;
  }

  /** Where a downloaded file lands in the end; may move it there. */
  @FunctionalInterface
  private interface Landing {
    String land(DownloadedFile file) throws IOException;
  }

  /**
   * Downloads objects into {@code directory} with the executor's retriever, lands each as it
   * completes, and returns one outcome per object.
   *
   * @param pathOf where an object would land, for the outcomes of those that did not
   */
  private List<ObjectOutcome> toDirectory(
      int unit,
      List<ObjectInfo> objects,
      ExecutorRetrievers.Shared shared,
      Path directory,
      Landing landing,
      Function<ObjectInfo, String> pathOf) {
    // A request of its own per unit: the unit lister tells units apart by the request's identity.
    DownloadRequest request = DownloadRequest.prefix(job.bucket(), job.prefix());
    Map<String, String> done = new HashMap<>();
    Map<String, String> failed = new HashMap<>();
    Map<String, String> unverified = new HashMap<>();
    shared.lister().register(request, objects);
    FileOptions options =
        FileOptions.defaults().withIterate(true).withOverwrite(job.options().overwrite());
    try (FileDownload download = shared.retriever().toDirectory(request, directory, options)) {
      for (DownloadedFile file : download) {
        try {
          done.put(file.object().key(), landing.land(file));
          if (file.unverified() != null) {
            unverified.put(file.object().key(), file.unverified());
          }
        } catch (IOException e) {
          failed.put(file.object().key(), e.getMessage());
        }
        TaskProbe.fileDone(unit, done.size(), objects.size());
      }
    } catch (IncompleteDownloadException e) {
      for (ObjectFailed f : e.failures()) {
        failed.put(f.object().key(), f.error().getMessage());
      }
    } finally {
      shared.lister().unregister(request);
    }
    List<ObjectOutcome> outcomes = new ArrayList<>(objects.size());
    for (ObjectInfo o : objects) {
      outcomes.add(outcome(unit, o, directory, request, done, failed, unverified, pathOf));
    }
    return outcomes;
  }

  private static ObjectOutcome outcome(
      int unit,
      ObjectInfo o,
      Path directory,
      DownloadRequest request,
      Map<String, String> done,
      Map<String, String> failed,
      Map<String, String> unverified,
      Function<ObjectInfo, String> pathOf) {
    String landed = done.get(o.key());
    if (landed != null) {
      String why = unverified.get(o.key());
      return new ObjectOutcome(
          o.key(),
          o.size(),
          landed,
          ObjectOutcome.DOWNLOADED,
          why == null ? null : ObjectOutcome.NOT_VERIFIED + why,
          unit);
    }
    String error = failed.get(o.key());
    if (error != null) {
      return new ObjectOutcome(
          o.key(), o.size(), pathOf.apply(o), ObjectOutcome.FAILED, error, unit);
    }
    // Neither completed nor failed: the core skipped it as already this version. Check rather
    // than trust, so that an object can never vanish from the outcomes as a success.
    Path path = directory.resolve(o.key().substring(request.base().length()));
    if (sizeOf(path) == o.size()) {
      return new ObjectOutcome(
          o.key(), o.size(), pathOf.apply(o), ObjectOutcome.UP_TO_DATE, null, unit);
    }
    return new ObjectOutcome(
        o.key(),
        o.size(),
        pathOf.apply(o),
        ObjectOutcome.FAILED,
        "the download neither wrote " + path + " nor found it complete",
        unit);
  }

  /** Returns where an object lands below the job's directory, or its key if it cannot. */
  private String where(ObjectInfo o) {
    try {
      return job.pathOf(o).toString();
    } catch (RetrieverException e) {
      return Path.of(job.destination(), o.key()).toString();
    }
  }

  private static String targetOf(HadoopFiles files, ObjectInfo o) {
    try {
      return files.target(o).toString();
    } catch (RetrieverException e) {
      return o.key();
    }
  }

  /** Returns this executor's host, as Spark knows it. */
  private static String host() {
    SparkEnv env = SparkEnv.get();
    if (env != null) {
      return env.blockManager().blockManagerId().host();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /** Returns where this executor keeps scratch files: Spark's first local directory. */
  private static Path scratchRoot() {
    SparkEnv env = SparkEnv.get();
    String dirs =
        env == null
            ? System.getProperty("java.io.tmpdir")
            : env.conf().get("spark.local.dir", System.getProperty("java.io.tmpdir"));
    return Path.of(dirs.split(",")[0].strip());
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Scratch space: Spark's local directories are removed with the application.
    }
  }

  private static long sizeOf(Path path) {
    try {
      return Files.isRegularFile(path) ? Files.size(path) : -1;
    } catch (IOException e) {
      return -1;
    }
  }
}
