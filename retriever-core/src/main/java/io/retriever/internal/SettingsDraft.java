package io.retriever.internal;

import io.retriever.DownloadListener;
import io.retriever.HookFailure;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.hook.ChunkInterceptor;
import io.retriever.hook.ChunkPlanner;
import io.retriever.hook.DownloadCache;
import io.retriever.hook.DownloadSink;
import io.retriever.hook.ObjectInterceptor;
import io.retriever.hook.ObjectLister;
import io.retriever.hook.PostDownloadHook;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What a {@code Retriever.Builder} has been told so far: each value is checked as it is set, with
 * one line that says what is wrong with it, and {@link #build} checks how they fit together.
 *
 * <p>Concurrency: one thread, like the builder.
 */
public final class SettingsDraft {
  static final int MIN_CHUNK_SIZE = 64 << 10;
  static final int MAX_CHUNK_SIZE = 1 << 30;
  static final int MAX_CONCURRENCY = 1024;
  static final long MAX_IN_FLIGHT_BYTES = 64L << 30;

  private int concurrency;
  private int chunkSize;
  private long maxInFlightBytes;

  private int maxAttempts = 5;
  private Duration progressInterval = Duration.ofMillis(200);
  private final List<DownloadListener> listeners = new ArrayList<>();
  private URI endpoint;
  private String region;
  private AwsCredentialsProvider credentials;
  private boolean anonymous;
  private boolean pathStyle;
  private S3Client client;
  private long maxBytesPerSecond;
  private double targetBytesPerSecond;
  private final List<ObjectInterceptor> objectInterceptors = new ArrayList<>();
  private final List<ChunkInterceptor> chunkInterceptors = new ArrayList<>();
  private final List<PostDownloadHook> postDownloadHooks = new ArrayList<>();
  private int postDownloadThreads = 2;
  private HookFailure hookFailure = HookFailure.FAIL_OBJECT;
  private ObjectLister lister;
  private DownloadSink sink;
  private DownloadCache cache;
  private Duration stallTimeout = Duration.ofSeconds(10);
  private int maxRetriesPerDownload = 1000;
  private Duration maxOutage = Duration.ofMinutes(5);
  private boolean verify = true;
  private ChunkPlanner chunkPlanner = ChunkPlanner.UNIFORM;

  /** Starts with these defaults for the three settings the public API names. */
  public SettingsDraft(int concurrency, int chunkSize, long maxInFlightBytes) {
    this.concurrency = concurrency;
    this.chunkSize = chunkSize;
    this.maxInFlightBytes = maxInFlightBytes;
  }

  public void concurrency(int value) {
    if (value < 1 || value > MAX_CONCURRENCY) {
      throw invalid("concurrency must be between 1 and " + MAX_CONCURRENCY + ", got " + value);
    }
    concurrency = value;
  }

  public void chunkSize(long bytes) {
    if (bytes < MIN_CHUNK_SIZE || bytes > MAX_CHUNK_SIZE) {
      throw invalid(
          "chunk size must be between 64 KiB and 1 GiB, got " + bytes + " bytes (e.g. 8MiB)");
    }
    chunkSize = (int) bytes;
  }

  public void maxInFlightBytes(long bytes) {
    if (bytes < MIN_CHUNK_SIZE || bytes > MAX_IN_FLIGHT_BYTES) {
      throw invalid(
          "memory budget must be between 64 KiB and 64 GiB, got " + bytes + " bytes (e.g. 256MiB)");
    }
    maxInFlightBytes = bytes;
  }

  public void stallTimeout(Duration timeout) {
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0
        || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
      throw invalid("stall timeout must be between 1 s and 10 min, got " + timeout);
    }
    stallTimeout = timeout;
  }

  public void maxOutage(Duration outage) {
    if (outage.isNegative() || outage.compareTo(Duration.ofHours(24)) > 0) {
      throw invalid("outage limit must be between 0 and 24 h, got " + outage);
    }
    maxOutage = outage;
  }

  public void maxRetriesPerDownload(int retries) {
    if (retries < 0) {
      throw invalid("retries per download must not be negative, got " + retries);
    }
    maxRetriesPerDownload = retries;
  }

  public void verify(boolean value) {
    verify = value;
  }

  public void maxAttempts(int attempts) {
    if (attempts < 1 || attempts > 100) {
      throw invalid("attempts must be between 1 and 100, got " + attempts);
    }
    maxAttempts = attempts;
  }

  public void progressInterval(Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw invalid("progress interval must be positive, got " + interval);
    }
    progressInterval = interval;
  }

  public void maxBandwidth(long bytesPerSecond) {
    if (bytesPerSecond < 0 || (bytesPerSecond > 0 && bytesPerSecond < 1024)) {
      throw invalid(
          "bandwidth cap must be at least 1 KiB per second (or 0 for none), got "
              + bytesPerSecond
              + " bytes per second (e.g. 100MiB)");
    }
    maxBytesPerSecond = bytesPerSecond;
  }

  public void targetThroughputGbps(double gbps) {
    if (!(gbps >= 0) || gbps > 1000) {
      throw invalid("throughput target must be between 0 and 1000 Gbit/s, got " + gbps);
    }
    targetBytesPerSecond = gbps * 1e9 / 8;
  }

  public void addListener(DownloadListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void addObjectInterceptor(ObjectInterceptor interceptor) {
    objectInterceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
  }

  public void addChunkInterceptor(ChunkInterceptor interceptor) {
    chunkInterceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
  }

  public void chunkPlanner(ChunkPlanner planner) {
    chunkPlanner = Objects.requireNonNull(planner, "planner");
  }

  public void addPostDownloadHook(PostDownloadHook hook) {
    postDownloadHooks.add(Objects.requireNonNull(hook, "hook"));
  }

  public void postDownloadThreads(int threads) {
    if (threads < 1 || threads > 256) {
      throw invalid("post-download threads must be between 1 and 256, got " + threads);
    }
    postDownloadThreads = threads;
  }

  public void onHookFailure(HookFailure policy) {
    hookFailure = Objects.requireNonNull(policy, "policy");
  }

  public void lister(ObjectLister value) {
    lister = Objects.requireNonNull(value, "lister");
  }

  public void sink(DownloadSink value) {
    sink = Objects.requireNonNull(value, "sink");
  }

  public void cache(DownloadCache value) {
    cache = Objects.requireNonNull(value, "cache");
  }

  public void endpoint(URI value) {
    String scheme = value.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw invalid("endpoint must be an http:// or https:// URL, got " + value);
    }
    endpoint = value;
  }

  public void region(String value) {
    region = Objects.requireNonNull(value, "region");
  }

  public void credentials(AwsCredentialsProvider value) {
    credentials = Objects.requireNonNull(value, "credentials");
  }

  public void anonymous() {
    anonymous = true;
  }

  public void pathStyle(boolean value) {
    pathStyle = value;
  }

  public void s3Client(S3Client value) {
    client = Objects.requireNonNull(value, "client");
  }

  /**
   * Returns the settings.
   *
   * @throws RetrieverException if the budget cannot hold one chunk
   */
  public Settings build() {
    if (maxInFlightBytes < chunkSize) {
      throw invalid(
          "memory budget ("
              + maxInFlightBytes
              + " bytes) must hold at least one"
              + " chunk ("
              + chunkSize
              + " bytes); raise the budget or lower the chunk size");
    }
    return new Settings(
        concurrency,
        chunkSize,
        maxInFlightBytes,
        maxAttempts,
        progressInterval,
        List.copyOf(listeners),
        endpoint,
        region,
        credentials,
        anonymous,
        pathStyle,
        client,
        maxBytesPerSecond,
        targetBytesPerSecond,
        List.copyOf(objectInterceptors),
        List.copyOf(chunkInterceptors),
        List.copyOf(postDownloadHooks),
        postDownloadThreads,
        hookFailure,
        lister,
        sink,
        cache,
        stallTimeout,
        maxRetriesPerDownload,
        verify,
        chunkPlanner,
        maxOutage);
  }

  private static RetrieverException invalid(String message) {
    return new RetrieverException(Reason.INVALID, message);
  }
}
