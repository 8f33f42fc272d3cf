package io.retriever;

import io.retriever.RetrieverException.Reason;
import io.retriever.hook.ChunkInterceptor;
import io.retriever.hook.ChunkPlanner;
import io.retriever.hook.DownloadCache;
import io.retriever.hook.DownloadSink;
import io.retriever.hook.ObjectInterceptor;
import io.retriever.hook.ObjectLister;
import io.retriever.hook.PostDownloadHook;
import io.retriever.internal.Settings;
import io.retriever.internal.SettingsDraft;
import io.retriever.internal.pipeline.Engine;
import io.retriever.internal.pipeline.Pipeline;
import io.retriever.internal.pipeline.Sink;
import io.retriever.internal.s3.ListedObjects;
import io.retriever.internal.s3.S3Access;
import io.retriever.internal.sink.Adoption;
import io.retriever.internal.sink.CustomSink;
import io.retriever.internal.sink.FileSink;
import io.retriever.internal.sink.MemorySink;
import io.retriever.internal.sink.OrderedSink;
import io.retriever.internal.sink.RealChunkDownload;
import io.retriever.internal.sink.RealFileDownload;
import io.retriever.internal.sink.RealMemoryDownload;
import io.retriever.internal.sink.RealObjectDownload;
import io.retriever.internal.sink.RealPlainDownload;
import io.retriever.internal.sink.SafePaths;
import io.retriever.internal.verify.FileCheck;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Downloads from S3 and S3-compatible stores through a pipeline of stages (lister, chunker,
 * downloader, sequencer, sink), many ranged GETs at once, with every buffered byte bounded by one
 * in-flight budget.
 *
 * <pre>{@code
 * try (Retriever retriever = Retriever.builder().region("us-east-1").build()) {
 *   DownloadSummary summary = retriever
 *       .toDirectory(DownloadRequest.prefix("bucket", "data/"), Path.of("data"))
 *       .await();
 * }
 * }</pre>
 *
 * <p>Thread safety: a retriever may run many downloads at once, from any threads; they share its
 * in-flight byte budget (fairly: each may hold the budget divided by the downloads running), its
 * downloader workers, its connections and its bandwidth cap. Closing it stops its workers, fails
 * the downloads still running and closes the S3 client it built (never one the caller gave).
 */
public final class Retriever implements AutoCloseable {
  /** Default number of downloader workers. */
  public static final int DEFAULT_CONCURRENCY = 64;

  /** Default chunk size: 8 MiB. */
  public static final int DEFAULT_CHUNK_SIZE = 8 << 20;

  /** Default in-flight byte budget: 256 MiB. */
  public static final long DEFAULT_MAX_IN_FLIGHT_BYTES = 256L << 20;

  /** Default time a download rides through an outage of a store that has answered: 5 min. */
  public static final Duration DEFAULT_MAX_OUTAGE = Duration.ofMinutes(5);

  private final Settings settings;
  private final S3Access s3;

  /**
   * The budget, workers, bandwidth cap and controller that all this retriever's downloads share.
   */
  private final Engine engine;

  private Retriever(Settings settings) {
    this.settings = settings;
    this.s3 = new S3Access(settings);
    this.engine = new Engine(settings, s3);
  }

  /** Returns a builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a download into the {@link DownloadSink} given to {@link Builder#sink}.
   *
   * @throws IllegalStateException if the retriever was built without a sink
   */
  public Download download(DownloadRequest request) {
    DownloadSink user = settings.sink();
    if (user == null) {
      throw new IllegalStateException(
          "no sink configured: give one with Retriever.Builder.sink, or use toDirectory,"
              + " toMemory, objects or chunks");
    }
    return start(request, new CustomSink(user), (pipeline, s) -> new RealPlainDownload(pipeline));
  }

  /** Starts a download read object by object, each as a stream, in order. */
  public ObjectDownload objects(DownloadRequest request) {
    return start(
        request,
        new OrderedSink(engine.buffers()),
        (pipeline, s) -> new RealObjectDownload(pipeline, s));
  }

  /** Starts a download read chunk by chunk, in order. */
  public ChunkDownload chunks(DownloadRequest request) {
    return start(
        request,
        new OrderedSink(engine.buffers()),
        (pipeline, s) -> new RealChunkDownload(pipeline, s));
  }

  /** Starts a download of whole objects into memory. */
  public MemoryDownload toMemory(DownloadRequest request) {
    return start(request, new MemorySink(), (pipeline, s) -> new RealMemoryDownload(pipeline, s));
  }

  /** Starts a download into {@code directory} with the default {@link FileOptions}. */
  public FileDownload toDirectory(DownloadRequest request, Path directory) {
    return toDirectory(request, directory, FileOptions.defaults());
  }

  /**
   * Starts a download into {@code directory}. Keys under a prefix land at their path below the
   * prefix's last {@code /} ({@code data/2024/a.bin} from prefix {@code data/} lands at {@code
   * directory/2024/a.bin}); listed keys land at their whole key.
   *
   * @throws RetrieverException if {@code directory} is a file or cannot be created
   */
  public FileDownload toDirectory(DownloadRequest request, Path directory, FileOptions options) {
    if (Files.exists(directory) && !Files.isDirectory(directory)) {
      throw new RetrieverException(
          Reason.INVALID,
          directory + " is a file, but " + request + " may hold many objects; give a directory");
    }
    FileSink.createDirectories(directory);
    return toFiles(request, directory, SafePaths.below(directory, request.base()), options);
  }

  /**
   * Starts a download of one object into {@code file}.
   *
   * @throws IllegalArgumentException if the request is not for exactly one key
   */
  public FileDownload toFile(DownloadRequest request, Path file, FileOptions options) {
    if (request.isPrefix() || request.keys().size() != 1) {
      throw new IllegalArgumentException("toFile takes a request for one key, got " + request);
    }
    Path absolute = file.toAbsolutePath();
    Path parent = absolute.getParent();
    return toFiles(request, parent, object -> absolute, options);
  }

  private FileDownload toFiles(
      DownloadRequest request, Path root, Function<ObjectInfo, Path> target, FileOptions options) {
    return start(
        request,
        new FileSink(root, target, options),
        (pipeline, s) -> new RealFileDownload(pipeline, s));
  }

  private <S extends Sink, D extends Download> D start(
      DownloadRequest request, S sink, BiFunction<Pipeline, S, D> handle) {
    Objects.requireNonNull(request, "request");
    return handle.apply(Pipeline.start(engine, request, sink), sink);
  }

  /**
   * Returns whether {@code file} holds exactly this version of {@code object}, as a download left
   * it (or {@link #adopt} did) and unchanged since: what a download to files skips as up to date.
   */
  public boolean isCurrent(Path file, ObjectInfo object) {
    return Adoption.current(file, object);
  }

  /**
   * Puts in place, as {@code object}'s file, a file that holds its bytes but was written outside a
   * download (for example ranges of one large object fetched by several processes into one file):
   * checks the bytes by the first of what the store keeps for this version of the object (a
   * full-object CRC or hash, each part's CRC, or the MD5 its ETag is; one HEAD, one read of the
   * file), then marks the file with the version, as a download does, and renames it to {@code
   * target}. A file at the target is replaced only when Retriever wrote it from the same object, or
   * with {@code overwrite}.
   *
   * @param assembled the file holding the bytes, on the target's file system; moved, or deleted if
   *     its bytes are wrong
   * @return what the bytes were checked by ({@code "MD5"}, {@code "CRC64NVME"}, ...), or empty when
   *     the store keeps nothing to check them by or verification is off
   * @throws RetrieverException {@link RetrieverException.Reason#CORRUPT} if the bytes do not match;
   *     {@link RetrieverException.Reason#CHANGED} or {@link RetrieverException.Reason#NOT_FOUND} if
   *     the object is no longer this version; {@link RetrieverException.Reason#LOCAL_IO} if the
   *     file cannot be read or moved, or another file is in the way
   */
  public Optional<String> adopt(ObjectInfo object, Path assembled, Path target, boolean overwrite) {
    String checkedBy = null;
    if (settings.verify()) {
      try {
        checkedBy = FileCheck.check(s3, object, assembled);
      } catch (RetrieverException e) {
        if (e.reason() == Reason.CORRUPT) {
          try {
            Files.deleteIfExists(assembled);
          } catch (IOException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e;
      } catch (IOException e) {
        throw new RetrieverException(
            Reason.LOCAL_IO, "cannot read " + assembled + " to check it: " + e, e);
      }
    }
    Adoption.place(object, assembled, target.toAbsolutePath().normalize(), overwrite);
    return Optional.ofNullable(checkedBy);
  }

  /**
   * Returns the object's metadata, or empty if there is no such key.
   *
   * @throws RetrieverException if the bucket does not exist or cannot be reached
   */
  public Optional<ObjectInfo> stat(String bucket, String key) {
    try {
      return Optional.of(s3.head(bucket, key));
    } catch (RetrieverException e) {
      if (e.reason() == Reason.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Lists the objects under {@code prefix}, in key order, fetching pages as the iteration advances.
   *
   * @throws RetrieverException from the iteration, if the listing fails
   */
  public Iterable<ObjectInfo> list(String bucket, String prefix) {
    return list(bucket, prefix, null);
  }

  /**
   * Lists the objects under {@code prefix} whose keys come after {@code startAfter} (in UTF-8
   * order; null for all), in key order, fetching pages as the iteration advances, with the checks
   * of a download's listing: a page that fails is asked for again, and one that would lose, repeat
   * or loop over keys ends the iteration with an error. Stopping the iteration early sends no
   * further requests, so a part of the key space is listed by starting after its first boundary and
   * stopping past its last.
   *
   * @throws RetrieverException from the iteration, if the listing fails
   */
  public Iterable<ObjectInfo> list(String bucket, String prefix, String startAfter) {
    return () -> new ListedObjects(s3, bucket, prefix, startAfter, settings.maxAttempts());
  }

  /**
   * Returns the bytes all this retriever's downloads hold in buffers now: never more than the
   * in-flight byte budget, however many downloads run at once.
   */
  public long bufferedBytes() {
    return engine.bufferedBytes();
  }

  /** Returns the most bytes all this retriever's downloads held in buffers at once so far. */
  public long peakBufferedBytes() {
    return engine.peakBufferedBytes();
  }

  /**
   * Stops this retriever's workers and closes the S3 client it built. Downloads still running fail.
   */
  @Override
  public void close() {
    engine.close();
    s3.close();
  }

  /**
   * Configures a {@link Retriever}. Each setter checks its value at once and says what is wrong
   * with it.
   */
  public static final class Builder {
    private final SettingsDraft draft =
        new SettingsDraft(DEFAULT_CONCURRENCY, DEFAULT_CHUNK_SIZE, DEFAULT_MAX_IN_FLIGHT_BYTES);

    private Builder() {}

    /** Sets how many GETs run at once (default 64). */
    public Builder concurrency(int concurrency) {
      draft.concurrency(concurrency);
      return this;
    }

    /** Sets the bytes fetched per ranged GET (default 8 MiB; 64 KiB to 1 GiB). */
    public Builder chunkSize(long bytes) {
      draft.chunkSize(bytes);
      return this;
    }

    /**
     * Sets the in-flight byte budget that bounds every buffered byte (default 256 MiB). It must
     * hold at least one chunk.
     */
    public Builder maxInFlightBytes(long bytes) {
      draft.maxInFlightBytes(bytes);
      return this;
    }

    /**
     * Sets how long a request may go without a byte before it counts as stalled and is retried on a
     * new connection (default 10 s; 1 s to 10 min).
     */
    public Builder stallTimeout(Duration timeout) {
      draft.stallTimeout(timeout);
      return this;
    }

    /**
     * Sets how long a download rides through an outage (default 5 min; 0 to 24 h). Once the store
     * has answered, refused and reset connections, timeouts, unknown hosts, 503s and 429s (and
     * other 5xx while no request gets through) are retried with exponential, jittered back-off,
     * without counting against {@link #maxAttempts}, as long as the chunk or listing page has gone
     * less than this without progress; each range resumes from its last byte. Zero counts every
     * failure as an attempt. Before the store's first answer, a refused connection or an unknown
     * host fails at once: the endpoint is wrong.
     */
    public Builder maxOutage(Duration outage) {
      draft.maxOutage(outage);
      return this;
    }

    /**
     * Sets how many retries one download may spend, all chunks together, before it gives up
     * (default 1000): a bound on the time a failing endpoint can take.
     */
    public Builder maxRetriesPerDownload(int retries) {
      draft.maxRetriesPerDownload(retries);
      return this;
    }

    /**
     * Checks every object as a whole against what the store offers before it gets its final name
     * (default on): the checksum S3 states for it (combined from its chunks' CRCs), else the MD5
     * that the ETag of an object uploaded in one part holds. A mismatch fetches the object again,
     * then fails that object alone; an object no check covers is named in the summary. False turns
     * checking off, for stores whose ETags are not MD5s.
     */
    public Builder verify(boolean verify) {
      draft.verify(verify);
      return this;
    }

    /** Sets how many times a chunk is tried before the download fails (default 5). */
    public Builder maxAttempts(int attempts) {
      draft.maxAttempts(attempts);
      return this;
    }

    /** Sets how often listeners receive a progress snapshot (default 200 ms). */
    public Builder progressInterval(Duration interval) {
      draft.progressInterval(interval);
      return this;
    }

    /**
     * Caps the bandwidth of this retriever, all its downloads together, at {@code bytesPerSecond}
     * (default: no cap), for sharing a link; 0 removes the cap.
     */
    public Builder maxBandwidth(long bytesPerSecond) {
      draft.maxBandwidth(bytesPerSecond);
      return this;
    }

    /**
     * Tunes the concurrency toward a throughput, in gigabits per second, instead of fixing it: the
     * download starts with 8 connections, sets their number from the measured rate per connection,
     * then adds connections while throughput grows toward the target and gives some back on 503
     * SlowDown or when more stopped helping. {@link #concurrency} is then the ceiling (default 64);
     * the memory budget must hold that many chunks for large objects. 0 turns tuning off.
     */
    public Builder targetThroughputGbps(double gbps) {
      draft.targetThroughputGbps(gbps);
      return this;
    }

    /** Adds a listener; listeners are called in the order they were added. */
    public Builder addListener(DownloadListener listener) {
      draft.addListener(listener);
      return this;
    }

    /** Adds an object interceptor; interceptors run in the order they were added. */
    public Builder addObjectInterceptor(ObjectInterceptor interceptor) {
      draft.addObjectInterceptor(interceptor);
      return this;
    }

    /** Adds a chunk interceptor; interceptors run in the order they were added. */
    public Builder addChunkInterceptor(ChunkInterceptor interceptor) {
      draft.addChunkInterceptor(interceptor);
      return this;
    }

    /**
     * Sets how objects are cut into ranged GETs of at most the chunk size (default {@link
     * ChunkPlanner#UNIFORM}: ranges of the chunk size, the last one shorter).
     */
    public Builder chunkPlanner(ChunkPlanner planner) {
      draft.chunkPlanner(planner);
      return this;
    }

    /** Adds a post-download hook; hooks run in the order they were added. */
    public Builder addPostDownloadHook(PostDownloadHook hook) {
      draft.addPostDownloadHook(hook);
      return this;
    }

    /**
     * Sets how many finisher threads each download has (default 2): they check each completed
     * object as a whole, give it its final name and run the post-download hooks.
     */
    public Builder postDownloadThreads(int threads) {
      draft.postDownloadThreads(threads);
      return this;
    }

    /** Sets what a throwing hook fails: its object (the default) or the whole download. */
    public Builder onHookFailure(HookFailure policy) {
      draft.onHookFailure(policy);
      return this;
    }

    /**
     * Replaces the lister stage: objects come from {@code lister} instead of ListObjectsV2 and
     * HEAD.
     */
    public Builder lister(ObjectLister lister) {
      draft.lister(lister);
      return this;
    }

    /** Sets the sink stage of {@link Retriever#download}: where its chunks go. */
    public Builder sink(DownloadSink sink) {
      draft.sink(sink);
      return this;
    }

    /**
     * Serves objects already fetched from {@code cache}, and keeps a copy there of what is
     * downloaded. It runs after the interceptors and hooks added here.
     */
    public Builder cache(DownloadCache cache) {
      draft.cache(cache);
      return this;
    }

    /** Sends requests to this endpoint (an S3-compatible store) instead of AWS's. */
    public Builder endpoint(URI endpoint) {
      draft.endpoint(endpoint);
      return this;
    }

    /** Sets the region to sign for (otherwise the SDK's region chain, then us-east-1). */
    public Builder region(String region) {
      draft.region(region);
      return this;
    }

    /** Signs with these credentials instead of the default chain. */
    public Builder credentials(AwsCredentialsProvider credentials) {
      draft.credentials(credentials);
      return this;
    }

    /** Signs with this access key and secret. */
    public Builder credentials(String accessKeyId, String secretAccessKey) {
      return credentials(
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(accessKeyId, secretAccessKey)));
    }

    /** Sends unsigned requests, for public buckets. */
    public Builder anonymous() {
      draft.anonymous();
      return this;
    }

    /** Puts the bucket in the URL path rather than the host name (most S3-compatible stores). */
    public Builder pathStyle(boolean pathStyle) {
      draft.pathStyle(pathStyle);
      return this;
    }

    /**
     * Uses the caller's client as it is; endpoint, region, credentials and path-style settings are
     * then ignored, and the caller closes it. Its HTTP client should allow at least {@code
     * concurrency} connections.
     */
    public Builder s3Client(S3Client client) {
      draft.s3Client(client);
      return this;
    }

    /** Builds the retriever. */
    public Retriever build() {
      return new Retriever(draft.build());
    }
  }
}
