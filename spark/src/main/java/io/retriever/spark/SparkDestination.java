package io.retriever.spark;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a distributed download puts the objects.
 *
 * <ul>
 *   <li>{@link Shared}: a directory every executor mounts (NFS, EFS, FSx, Lustre; a local directory
 *       on a local Spark). Large objects may be split across executors there, each writing its byte
 *       ranges into one file.
 *   <li>{@link NodeLocal}: a directory on each node's own disk (local NVMe for a training job):
 *       each object lands on the node whose task fetched it, and its outcome's path names that node
 *       ({@code host:/path}). Objects stay whole.
 *   <li>{@link Hadoop}: a Hadoop {@code FileSystem} URI ({@code hdfs://namenode/data}, or any
 *       scheme the cluster's Hadoop has): each object is fetched whole by one task into the
 *       executor's local scratch space, checked, then copied through the FileSystem API under a
 *       temporary name and renamed.
 * </ul>
 */
public sealed interface SparkDestination {
  /** A directory every executor sees at the same path. */
  record Shared(Path directory) implements SparkDestination {
    /** Checks that a directory is given. */
    public Shared {
      Objects.requireNonNull(directory, "directory");
    }
  }

  /** A directory on each node's own disk, at the same path on every node. */
  record NodeLocal(Path directory) implements SparkDestination {
    /** Checks that a directory is given. */
    public NodeLocal {
      Objects.requireNonNull(directory, "directory");
    }
  }

  /**
   * A directory of a Hadoop {@code FileSystem}, as a URI with its scheme.
   *
   * @param uri e.g. {@code hdfs://namenode:8020/data/train}
   */
  record Hadoop(String uri) implements SparkDestination {
    /** Checks that the URI has a scheme. */
    public Hadoop {
      Objects.requireNonNull(uri, "uri");
      if (URI.create(uri).getScheme() == null) {
        throw new IllegalArgumentException(
            "a Hadoop destination is a URI with a scheme, e.g. hdfs://namenode/data; got " + uri);
      }
    }
  }

  /** The prefix of a node-local destination on the command line. */
  String NODE_LOCAL = "node-local:";

  /** Returns a directory every executor sees. */
  static SparkDestination shared(Path directory) {
    return new Shared(directory);
  }

  /** Returns a directory on each node's own disk. */
  static SparkDestination nodeLocal(Path directory) {
    return new NodeLocal(directory);
  }

  /** Returns a directory of a Hadoop FileSystem. */
  static SparkDestination hadoop(String uri) {
    return new Hadoop(uri);
  }

  /**
   * Reads a destination as the command line gives it: {@code node-local:/path} for each node's own
   * disk, {@code scheme://...} (hdfs, file, ...) for a Hadoop FileSystem, a path for a shared
   * directory.
   */
  static SparkDestination parse(String text) {
    if (text.startsWith(NODE_LOCAL)) {
      return nodeLocal(Path.of(text.substring(NODE_LOCAL.length())));
    }
    if (Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://.*").matcher(text).matches()) {
      return hadoop(text);
    }
    return shared(Path.of(text));
  }
}
