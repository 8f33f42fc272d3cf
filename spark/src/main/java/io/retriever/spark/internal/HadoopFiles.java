package io.retriever.spark.internal;

import io.retriever.DownloadRequest;
import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkEnv;
import scala.Tuple2;

/**
 * A Hadoop {@code FileSystem} directory as a download's destination: each object, downloaded and
 * checked into local scratch space, is copied in under a temporary name of the download's own,
 * given the object's modification time, and renamed to its key's path. A file there is taken as
 * already holding the object when its size and modification time are the object's (Hadoop file
 * systems keep no version mark).
 *
 * <p>Thread safety: {@code FileSystem} instances are; one per task.
 */
final class HadoopFiles {
  private final FileSystem fs;
  private final org.apache.hadoop.fs.Path root;
  private final DownloadRequest request;
  private final String run;

  private HadoopFiles(
      FileSystem fs, org.apache.hadoop.fs.Path root, DownloadRequest request, String run) {
    this.fs = fs;
    this.root = root;
    this.request = request;
    this.run = run;
  }

  /** Opens the job's destination on this executor, with Spark's {@code spark.hadoop.*} settings. */
  static HadoopFiles open(DownloadJob job) {
    Configuration conf = new Configuration();
    SparkEnv env = SparkEnv.get();
    if (env != null) {
      for (Tuple2<String, String> e : env.conf().getAll()) {
        if (e._1().startsWith("spark.hadoop.")) {
          conf.set(e._1().substring("spark.hadoop.".length()), e._2());
        }
      }
    }
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(job.destination());
    try {
      return new HadoopFiles(
          root.getFileSystem(conf),
          root,
          DownloadRequest.prefix(job.bucket(), job.prefix()),
          job.run());
    } catch (IOException e) {
      throw cannotUse(job.destination(), e);
    }
  }

  /**
   * Checks on the driver that {@code uri} can be a destination: makes the directory, and refuses a
   * file there. Returns the URI as the file system names it.
   */
  static String prepare(String uri, Configuration conf) {
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(URI.create(uri));
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (fs.exists(root) && !fs.getFileStatus(root).isDirectory()) {
        throw new RetrieverException(
            Reason.INVALID, uri + " is a file; give a directory of the file system");
      }
      fs.mkdirs(root);
      return fs.makeQualified(root).toString();
    } catch (IOException e) {
      throw cannotUse(uri, e);
    }
  }

  /** Returns where {@code object} lands, refusing a key that is not safe as a path. */
  org.apache.hadoop.fs.Path target(ObjectInfo object) {
    Path base = Path.of("/");
    String relative = base.relativize(request.pathIn(base, object)).toString();
    return new org.apache.hadoop.fs.Path(root, relative);
  }

  /** Returns whether the file of {@code object} is there with its size and modification time. */
  boolean current(ObjectInfo object) {
    try {
      FileStatus status = fs.getFileStatus(target(object));
      return status.isFile()
          && status.getLen() == object.size()
          && object.lastModified() != null
          && status.getModificationTime() == object.lastModified().toEpochMilli();
    } catch (IOException | RetrieverException e) {
      return false; // Not there (FileNotFoundException), unreadable, or a key no path can hold.
    }
  }

  /**
   * Moves the checked local file of {@code object} into the file system; returns where it landed.
   *
   * @throws IOException if it cannot be copied or renamed, or another file is in the way
   */
  String put(Path local, ObjectInfo object, boolean overwrite) throws IOException {
    org.apache.hadoop.fs.Path target = target(object);
    if (!overwrite && fs.exists(target) && !current(object)) {
      throw new IOException(
          target
              + " already exists and is not a copy of "
              + object.uri()
              + "; to replace it, allow overwriting (--overwrite)");
    }
    org.apache.hadoop.fs.Path temporary =
        new org.apache.hadoop.fs.Path(
            target.getParent(), "." + target.getName() + "." + run + ".retriever-part");
    fs.mkdirs(target.getParent());
    fs.copyFromLocalFile(true, true, new org.apache.hadoop.fs.Path(local.toUri()), temporary);
    if (object.lastModified() != null) {
      fs.setTimes(temporary, object.lastModified().toEpochMilli(), -1);
    }
    if (fs.exists(target)) {
      fs.delete(target, false);
    }
    if (!fs.rename(temporary, target)) {
      fs.delete(temporary, false);
      throw new IOException("cannot rename " + temporary + " to " + target);
    }
    return target.toString();
  }

  private static RetrieverException cannotUse(String uri, IOException e) {
    return new RetrieverException(Reason.LOCAL_IO, "cannot use " + uri + ": " + e.getMessage(), e);
  }
}
