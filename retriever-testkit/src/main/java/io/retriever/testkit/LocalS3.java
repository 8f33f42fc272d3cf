package io.retriever.testkit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.retriever.Retriever;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.filesystem.reference.FilesystemConstants;
import org.jclouds.io.Payloads;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 API server in this process for tests, the demo and benchmarks: S3Proxy on 127.0.0.1 and an
 * ephemeral port, SigV4 authorization with generated credentials, in-memory or directory storage.
 *
 * <p>Its knobs make it behave like S3 across a network, so that parallel requests matter: a
 * first-byte latency per request and a per-request cap on the body's speed. Both can be changed
 * while requests run.
 *
 * <pre>{@code
 * try (LocalS3 s3 = LocalS3.builder().firstByteLatency(Duration.ofMillis(25)).start()) {
 *   s3.createBucket("data");
 *   TestObject o = s3.putRandom("data", "big.bin", 100 << 20);
 *   ... download from s3.endpoint() with s3.accessKey() / s3.secretKey() ...
 * }
 * }</pre>
 *
 * <p>Concurrency: safe to use from many threads; {@link #close()} stops the server.
 */
public final class LocalS3 implements AutoCloseable {
  /**
   * The prefix of the user metadata in which an object's full-object checksum is kept, followed by
   * the algorithm in lower case (see putRandomWithChecksum).
   */
  static final String CHECKSUM_METADATA_HEADER = "x-amz-meta-retriever-checksum-";

  /** The region the server claims; any region signs correctly against it. */
  public static final String REGION = "us-east-1";

  static {
    quietServerLogs();
  }

  /** The server; replaced by a new one on the same port when serving resumes after a stop. */
  private volatile S3Proxy proxy;

  /** How the server is built, to build it again on its port. */
  private final Builder builder;

  /** The port the server listens on, and listens on again after a stop. */
  private final int port;

  private final BlobStoreContext context;
  private final PacedBlobStore store;
  private final URI endpoint;
  private final String accessKey;
  private final String secretKey;
  private final Faults faults;
  private final FaultProxy faultProxy;

  private LocalS3(Builder builder) throws Exception {
    this.accessKey = "AK" + randomHex(9).toUpperCase();
    this.secretKey = randomHex(20);
    ContextBuilder contextBuilder;
    if (builder.directory == null) {
      contextBuilder = ContextBuilder.newBuilder("transient");
    } else {
      Properties properties = new Properties();
      properties.setProperty(FilesystemConstants.PROPERTY_BASEDIR, builder.directory.toString());
      contextBuilder = ContextBuilder.newBuilder("filesystem").overrides(properties);
    }
    this.context = contextBuilder.credentials("local", "local").build(BlobStoreContext.class);
    this.store = new PacedBlobStore(context.getBlobStore());
    store.latency(builder.firstByteLatency);
    store.bytesPerSecond(builder.streamBytesPerSecond);
    store.listPageSize(builder.listPageSize);
    store.servingAtOnce(builder.servingAtOnce);
    this.builder = builder;
    this.proxy = startProxy(0);
    this.port = proxy.getPort();
    this.faults = builder.faults;
    this.faultProxy =
        faults == null ? null : new FaultProxy(proxy.getPort(), faults, this::readWhole);
    this.endpoint =
        URI.create(
            "http://127.0.0.1:" + (faultProxy != null ? faultProxy.port() : proxy.getPort()));
  }

  /** Starts S3Proxy on {@code port} (0 for an ephemeral one) and waits until it serves. */
  private S3Proxy startProxy(int port) throws Exception {
    S3Proxy started =
        S3Proxy.builder()
            .blobStore(store)
            .endpoint(URI.create("http://127.0.0.1:" + port))
            .awsAuthentication(
                builder.anonymous ? AuthenticationType.NONE : AuthenticationType.AWS_V2_OR_V4,
                accessKey,
                secretKey)
            .ignoreUnknownHeaders(true)
            .jettyMaxThreads(builder.serverThreads)
            .build();
    started.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!"STARTED".equals(started.getState())) {
      if ("FAILED".equals(started.getState()) || System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Proxy did not start on port " + port);
      }
      Thread.sleep(5);
    }
    return started;
  }

  /**
   * Stops serving, as a store that went away does: the port refuses connections and the requests in
   * progress are cut. The data stays; {@link #resumeServing} serves it again on the same port. With
   * a fault proxy in front, the proxy stays and cannot reach the server behind it.
   */
  public synchronized LocalS3 stopServing() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop S3Proxy: " + e.getMessage(), e);
    }
    return this;
  }

  /** Serves again, on the port it served on before {@link #stopServing}. */
  public synchronized LocalS3 resumeServing() {
    S3Proxy stopped = proxy;
    if ("STARTED".equals(stopped.getState())) {
      return this;
    }
    try {
      proxy = startProxy(port);
    } catch (Exception e) {
      throw new IllegalStateException("cannot serve again: " + e.getMessage(), e);
    }
    return this;
  }

  /**
   * Stops serving for {@code length}, {@code after} from now, on a thread of its own; returns at
   * once. The returned thread ends when serving has resumed.
   */
  public Thread outage(Duration after, Duration length) {
    Thread thread =
        new Thread(
            () -> {
              try {
                Thread.sleep(after.toMillis());
                stopServing();
                Thread.sleep(length.toMillis());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                resumeServing();
              }
            },
            "local-s3-outage");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Reads the whole object a request target ({@code /bucket/key?...}) names, from the store. */
  private byte[] readWhole(String target) {
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    int second = path.indexOf('/', 1);
    String bucket = path.substring(1, second);
    String key =
        URLDecoder.decode(path.substring(second + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
    try (InputStream in = context.getBlobStore().getBlob(bucket, key).getPayload().openStream()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns a builder for a server with no latency and no speed cap. */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts a server with no latency and no speed cap, in memory. */
  public static LocalS3 start() {
    return builder().start();
  }

  /**
   * Returns the fault plan this server was built with; its counters say what was injected.
   *
   * @throws IllegalStateException if it was built without one
   */
  public Faults faults() {
    if (faults == null) {
      throw new IllegalStateException("this LocalS3 injects no faults: use builder().faults(...)");
    }
    return faults;
  }

  /** Returns the server's address, {@code http://127.0.0.1:PORT}. */
  public URI endpoint() {
    return endpoint;
  }

  /**
   * Returns a Retriever builder that talks to this server: its endpoint, region and credentials,
   * path-style addressing.
   */
  public Retriever.Builder retriever() {
    return Retriever.builder()
        .endpoint(endpoint)
        .region(REGION)
        .credentials(accessKey, secretKey)
        .pathStyle(true);
  }

  /** Returns the access key id the server accepts. */
  public String accessKey() {
    return accessKey;
  }

  /** Returns the secret key the server accepts. */
  public String secretKey() {
    return secretKey;
  }

  /** Returns the region to sign with. */
  public String region() {
    return REGION;
  }

  /** Sets the wait before each request is answered. */
  public LocalS3 firstByteLatency(Duration latency) {
    store.latency(latency);
    return this;
  }

  /** Caps the speed of each response body; 0 removes the cap. */
  public LocalS3 streamBytesPerSecond(long rate) {
    store.bytesPerSecond(rate);
    return this;
  }

  /**
   * Returns a new S3 client for this server: explicit endpoint, region and static credentials,
   * path-style access. The caller closes it.
   */
  public S3Client newClient() {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.of(REGION))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClientBuilder(ApacheHttpClient.builder().maxConnections(64))
        .build();
  }

  /** Returns the jclouds store behind the server, for fast test set-up without HTTP. */
  public BlobStore blobStore() {
    return context.getBlobStore();
  }

  /** Creates a bucket if it does not exist. */
  public LocalS3 createBucket(String bucket) {
    blobStore().createContainerInLocation(null, bucket);
    return this;
  }

  /** Stores {@code bytes} under {@code key} and returns what was stored. */
  public TestObject put(String bucket, String key, byte[] bytes) {
    Blob blob = blobStore().blobBuilder(key).payload(bytes).contentLength(bytes.length).build();
    blobStore().putBlob(bucket, blob);
    return new TestObject(bucket, key, bytes.length, TestData.sha256(bytes));
  }

  /**
   * Stores random bytes as {@link #putRandom} does, with a full-object checksum ({@code CRC32},
   * {@code CRC32C}, {@code CRC64NVME}, {@code SHA1} or {@code SHA256}) that the server, when built
   * with {@link Builder#faults}, returns in checksum mode as S3 does.
   */
  public TestObject putRandomWithChecksum(String bucket, String key, long size, String algorithm) {
    String value = checksums(key, size, Math.max(1, size), algorithm).get(0);
    return putRandom(
        bucket,
        key,
        size,
        Map.of("retriever-checksum-" + algorithm.toLowerCase(Locale.ROOT), value));
  }

  /**
   * Stores random bytes as {@link #putRandom} does and presents them as a multipart upload of
   * {@code partSize} parts with a composite checksum: listings (with {@link Faults#listChecksums})
   * say {@code COMPOSITE}, and GetObjectAttributes returns each part's {@code algorithm} CRC.
   *
   * @throws IllegalStateException if this server was built without {@link Builder#faults}
   */
  public TestObject putRandomMultipart(
      String bucket, String key, long size, long partSize, String algorithm) {
    List<String> values = checksums(key, size, partSize, algorithm);
    long[] sizes = new long[values.size()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = Math.min(partSize, size - i * partSize);
    }
    faults()
        .multipart(bucket, key, new Faults.Parts(algorithm, sizes, values.toArray(String[]::new)));
    return putRandom(bucket, key, size, Map.of());
  }

  /**
   * Stores random bytes as {@link #putRandom} does, uploaded in parts of {@code partSize} bytes
   * (the last one shorter), as the AWS CLI and the SDKs upload large objects: its ETag is then the
   * MD5 of its parts' MD5s and their number ({@code "<md5>-N"}). When this server was built with
   * {@link Builder#faults}, a HEAD of one part ({@code ?partNumber=N}) is answered as S3 does
   * (unless {@link Faults#answersPartNumbers} says otherwise); without, as S3Proxy does, for the
   * whole object.
   */
  public TestObject putRandomInParts(String bucket, String key, long size, long partSize) {
    return putRandomInParts(bucket, key, size, partSize, null);
  }

  /**
   * Stores random bytes uploaded in parts as {@link #putRandomInParts(String, String, long, long)}
   * does, with a full-object checksum of {@code algorithm} ({@code CRC64NVME}, ...) as {@link
   * #putRandomWithChecksum} gives one, unless {@code algorithm} is null.
   */
  public TestObject putRandomInParts(
      String bucket, String key, long size, long partSize, String algorithm) {
    if (partSize < 1 || partSize > Integer.MAX_VALUE || size < 1) {
      throw new IllegalArgumentException(
          "parts of 1 byte to 2 GiB, of an object of 1 byte or more; got "
              + partSize
              + " and "
              + size);
    }
    Map<String, String> metadata =
        algorithm == null
            ? Map.of()
            : Map.of(
                "retriever-checksum-" + algorithm.toLowerCase(Locale.ROOT),
                checksums(key, size, size, algorithm).get(0));
    BlobStore blobs = blobStore();
    MultipartUpload upload =
        blobs.initiateMultipartUpload(
            bucket,
            blobs.blobBuilder(key).userMetadata(metadata).build().getMetadata(),
            PutOptions.NONE);
    List<MultipartPart> parts = new ArrayList<>();
    long[] sizes = new long[(int) ((size + partSize - 1) / partSize)];
    try (DigestInputStream in =
        new DigestInputStream(
            TestData.randomStream(size, seed(key, size)), MessageDigest.getInstance("SHA-256"))) {
      for (int part = 0; part < sizes.length; part++) {
        sizes[part] = Math.min(partSize, size - part * partSize);
        byte[] bytes = in.readNBytes((int) sizes[part]);
        parts.add(blobs.uploadMultipartPart(upload, part + 1, Payloads.newByteArrayPayload(bytes)));
      }
      blobs.completeMultipartUpload(upload, parts);
      if (faults != null) {
        faults.multipart(bucket, key, new Faults.Parts(null, sizes, null));
      }
      return new TestObject(
          bucket, key, size, HexFormat.of().formatHex(in.getMessageDigest().digest()));
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot store " + key, e);
    }
  }

  /**
   * Returns the base64 checksum, as S3 writes it, of each {@code partSize} part of the random bytes
   * {@link #putRandom} stores under {@code key}.
   */
  private static List<String> checksums(String key, long size, long partSize, String algorithm) {
    List<String> values = new ArrayList<>();
    try (InputStream in = TestData.randomStream(size, seed(key, size))) {
      byte[] buffer = new byte[1 << 16];
      for (long start = 0; start < Math.max(1, size); start += partSize) {
        Checksum crc = algorithm.startsWith("SHA") ? null : newChecksum(algorithm);
        MessageDigest digest =
            crc != null
                ? null
                : MessageDigest.getInstance(algorithm.equals("SHA1") ? "SHA-1" : "SHA-256");
        for (long left = Math.min(partSize, size - start); left > 0; ) {
          int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
          if (crc != null) {
            crc.update(buffer, 0, n);
          } else {
            digest.update(buffer, 0, n);
          }
          left -= n;
        }
        values.add(
            Base64.getEncoder()
                .encodeToString(
                    crc != null ? bigEndian(crc.getValue(), algorithm) : digest.digest()));
      }
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot generate " + key, e);
    }
    return values;
  }

  /** Returns a new checksum of a CRC algorithm as S3 names it. */
  private static Checksum newChecksum(String algorithm) {
    return switch (algorithm) {
      case "CRC32" -> new CRC32();
      case "CRC32C" -> new CRC32C();
      case "CRC64NVME" -> new Crc64Nvme();
      default -> throw new IllegalArgumentException("not a CRC S3 keeps: " + algorithm);
    };
  }

  private static byte[] bigEndian(long v, String algorithm) {
    int width = algorithm.equals("CRC64NVME") ? 8 : 4;
    byte[] bytes = new byte[width];
    for (int i = 0; i < width; i++) {
      bytes[i] = (byte) (v >>> (8 * (width - 1 - i)));
    }
    return bytes;
  }

  /** The seed of the random bytes stored under {@code key}. */
  private static long seed(String key, long size) {
    return key.hashCode() * 31L + size;
  }

  /**
   * Stores {@code size} random, incompressible bytes under {@code key}, streaming them so that
   * objects larger than the heap can be made on directory storage.
   */
  public TestObject putRandom(String bucket, String key, long size) {
    return putRandom(bucket, key, size, Map.of());
  }

  private TestObject putRandom(String bucket, String key, long size, Map<String, String> metadata) {
    try (DigestInputStream in =
        new DigestInputStream(
            TestData.randomStream(size, seed(key, size)), MessageDigest.getInstance("SHA-256"))) {
      Blob blob =
          blobStore()
              .blobBuilder(key)
              .payload(in)
              .contentLength(size)
              .userMetadata(metadata)
              .build();
      blobStore().putBlob(bucket, blob);
      return new TestObject(
          bucket, key, size, HexFormat.of().formatHex(in.getMessageDigest().digest()));
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot store " + key, e);
    }
  }

  /**
   * Stores {@code count} random objects of {@code size} bytes under {@code prefix}, named by {@code
   * name} (given the index), and returns them in key order.
   */
  public List<TestObject> putMany(String bucket, int count, int size, IntFunction<String> name) {
    List<TestObject> objects = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      objects.add(putRandom(bucket, name.apply(i), size));
    }
    objects.sort((a, b) -> a.key().compareTo(b.key()));
    return objects;
  }

  /** Returns the number of object GET requests served so far. */
  public long getRequests() {
    return store.gets.get();
  }

  /** Returns the number of HEAD requests served so far. */
  public long headRequests() {
    return store.heads.get();
  }

  /** Returns the number of LIST requests served so far. */
  public long listRequests() {
    return store.lists.get();
  }

  /** Returns the number of body bytes served so far. */
  public long bytesServed() {
    return store.bytesServed.get();
  }

  /**
   * Returns the number of body bytes served once the server has gone quiet (no byte for 300 ms),
   * waiting at most 10 s: a response its client abandoned is still sent for a moment after the
   * client went away, and a test that compares what two downloads fetched must not count those
   * bytes to the second.
   */
  public long bytesServedWhenQuiet() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    long last = bytesServed();
    while (System.nanoTime() < deadline) {
      Thread.sleep(300);
      long now = bytesServed();
      if (now == last) {
        return now;
      }
      last = now;
    }
    return last;
  }

  /** Stops the server and drops its in-memory data. */
  @Override
  public void close() throws Exception {
    try {
      if (faultProxy != null) {
        faultProxy.close();
      }
      proxy.stop();
    } finally {
      context.close();
    }
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** S3Proxy and Jetty log every request at DEBUG when no configuration says otherwise. */
  private static void quietServerLogs() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
      for (String name : List.of("org.gaul", "org.eclipse.jetty", "org.jclouds", "jclouds")) {
        logback.getLogger(name).setLevel(Level.WARN);
      }
    }
  }

  /** Configures a {@link LocalS3} before it starts. */
  public static final class Builder {
    private Duration firstByteLatency = Duration.ZERO;
    private long streamBytesPerSecond;
    private Path directory;
    private int serverThreads = 512;
    private boolean anonymous;
    private Faults faults;
    private int listPageSize;
    private int servingAtOnce;

    private Builder() {}

    /**
     * Makes a slow store: at most {@code requests} GETs are served at once, and the others wait,
     * with no byte sent, until one of them has sent its whole body (a small server behind a few
     * worker threads, or a throttled gateway); 0 (the default) means no limit.
     */
    public Builder servingAtOnce(int requests) {
      if (requests < 0) {
        throw new IllegalArgumentException("requests must not be negative: " + requests);
      }
      this.servingAtOnce = requests;
      return this;
    }

    /**
     * Caps the keys of each ListObjectsV2 page (S3 gives up to 1,000), so that a test can list few
     * objects over many pages.
     */
    public Builder listPageSize(int keys) {
      if (keys < 1) {
        throw new IllegalArgumentException("a page holds at least 1 key, got " + keys);
      }
      this.listPageSize = keys;
      return this;
    }

    /**
     * Puts a proxy in front of the server that breaks object GETs as {@code faults} says; {@link
     * LocalS3#endpoint()} is then the proxy's.
     */
    public Builder faults(Faults faults) {
      this.faults = java.util.Objects.requireNonNull(faults, "faults");
      return this;
    }

    /**
     * Turns authorization off, like a public bucket: unsigned requests are served (and signatures
     * are not checked).
     */
    public Builder anonymous() {
      this.anonymous = true;
      return this;
    }

    /** Sets the wait before each request is answered, like S3's first-byte latency. */
    public Builder firstByteLatency(Duration latency) {
      if (latency.isNegative()) {
        throw new IllegalArgumentException("latency must not be negative: " + latency);
      }
      this.firstByteLatency = latency;
      return this;
    }

    /** Caps the speed of each response body in bytes per second; 0 (the default) means none. */
    public Builder streamBytesPerSecond(long rate) {
      if (rate < 0) {
        throw new IllegalArgumentException("rate must not be negative: " + rate);
      }
      this.streamBytesPerSecond = rate;
      return this;
    }

    /** Stores objects as files under {@code directory} instead of in memory. */
    public Builder directory(Path directory) {
      this.directory = directory;
      return this;
    }

    /** Sets the most requests the server answers at once (default 512). */
    public Builder serverThreads(int threads) {
      if (threads < 8) {
        throw new IllegalArgumentException("the server needs at least 8 threads, got " + threads);
      }
      this.serverThreads = threads;
      return this;
    }

    /** Starts the server. */
    public LocalS3 start() {
      try {
        return new LocalS3(this);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("cannot start LocalS3: " + e.getMessage(), e);
      }
    }
  }
}
