package io.retriever.cli;

import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.options.Sizes;
import io.retriever.testkit.Faults;
import io.retriever.testkit.LocalS3;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Option;

/** How the embedded S3 server of the demo and the benchmark imitates a store across a network. */
final class ServerOptions {
  /** The stores the embedded server can imitate. */
  enum Store {
    /** S3 from an instance in its region: 25 ms to the first byte, 60 MiB/s per request. */
    S3_LIKE(25, 60L << 20, 0),
    /** A store on the same LAN or host, at NIC speed: no added latency, no speed cap. */
    FAST(0, 0, 0),
    /**
     * A small self-hosted store or a busy gateway: 4 requests served at once (the others wait with
     * no byte sent), 25 ms to the first byte, 16 MiB/s per request.
     */
    SLOW(25, 16L << 20, 4);

    final long latencyMillis;
    final long streamSpeed;

    /** Requests served at once, or 0 for no limit. */
    final int servingAtOnce;

    Store(long latencyMillis, long streamSpeed, int servingAtOnce) {
      this.latencyMillis = latencyMillis;
      this.streamSpeed = streamSpeed;
      this.servingAtOnce = servingAtOnce;
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  @Option(
      names = "--store",
      paramLabel = "STORE",
      converter = StoreConverter.class,
      description =
          "The store to imitate: s3-like (25 ms first byte, 60 MiB/s per request), fast (no"
              + " added latency, no speed cap: MinIO or Ceph on a LAN) or slow (4 requests served"
              + " at once, the others queued; 25 ms, 16 MiB/s per request); default: s3-like.")
  Store store = Store.S3_LIKE;

  @Option(
      names = "--latency",
      paramLabel = "MILLIS",
      description = "First-byte latency of every request in ms (default: the store's).")
  Long latencyMillis;

  @Option(
      names = "--stream-speed",
      paramLabel = "SIZE",
      converter = Sizes.class,
      description =
          "Speed cap of each response body per second, 0 for none (default: the store's).")
  Long streamSpeed;

  @Option(
      names = "--checksum",
      paramLabel = "ALGORITHM",
      converter = ChecksumConverter.class,
      description =
          "Give every generated object a full-object checksum, as S3 does for new objects:"
              + " CRC64NVME (S3's default), CRC32C, CRC32, SHA256 or SHA1 (default: none, MD5"
              + " ETags only). The server then answers through a proxy that adds the checksums.")
  String checksum;

  @Option(
      names = "--part-size",
      paramLabel = "SIZE",
      converter = Sizes.class,
      description =
          "Upload generated objects larger than SIZE in parts of SIZE, as the AWS CLI does with"
              + " 8MiB: their ETags are then the MD5 of their parts' MD5s. The server then answers"
              + " through a proxy that states a part's size, as S3 does (default: one part).")
  Long partSize;

  /** The checksums --checksum takes. */
  private static final java.util.List<String> CHECKSUMS =
      java.util.List.of("CRC64NVME", "CRC32C", "CRC32", "SHA256", "SHA1");

  /** Reads a checksum's name as people write it ({@code crc-64nvme} as {@code CRC64NVME}). */
  static final class ChecksumConverter implements picocli.CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
      String algorithm = value.strip().toUpperCase(Locale.ROOT).replace("-", "");
      if (!CHECKSUMS.contains(algorithm)) {
        throw new picocli.CommandLine.TypeConversionException(
            "unknown checksum '" + value + "'; give one of " + String.join(", ", CHECKSUMS));
      }
      return algorithm;
    }
  }

  /** Reads a store's name as people write it. */
  static final class StoreConverter implements picocli.CommandLine.ITypeConverter<Store> {
    @Override
    public Store convert(String value) {
      for (Store s : Store.values()) {
        if (s.toString().equalsIgnoreCase(value.strip())) {
          return s;
        }
      }
      throw new picocli.CommandLine.TypeConversionException(
          "unknown store '" + value + "'; give s3-like, fast or slow");
    }
  }

  private long latency() {
    return latencyMillis != null ? latencyMillis : store.latencyMillis;
  }

  private long speed() {
    return streamSpeed != null ? streamSpeed : store.streamSpeed;
  }

  /** Returns the checksum algorithm generated objects get, or null for none. */
  String checksum() {
    return checksum;
  }

  /** Returns the size of the parts larger objects are uploaded in, or 0 for one part. */
  long partSize() {
    return partSize == null ? 0 : partSize;
  }

  /** Applies the latency, speed, checksums and parts to a server about to start. */
  LocalS3.Builder apply(LocalS3.Builder builder) {
    if (partSize != null && (partSize < 1 || partSize > Integer.MAX_VALUE)) {
      throw new RetrieverException(
          Reason.INVALID,
          "--part-size must be from 1 byte to 2 GiB, got " + Sizes.format(partSize));
    }
    builder
        .firstByteLatency(Duration.ofMillis(latency()))
        .streamBytesPerSecond(speed())
        .servingAtOnce(store.servingAtOnce);
    if (checksum != null) {
      builder.faults(Faults.none().listChecksums(checksum));
    } else if (partSize != null) {
      builder.faults(Faults.none());
    }
    return builder;
  }

  /** Describes the settings for people. */
  String describe() {
    return String.format(
        Locale.ROOT,
        "%s store: %s%d ms first-byte latency, %s%s",
        store,
        store.servingAtOnce > 0 ? store.servingAtOnce + " requests served at once, " : "",
        latency(),
        speed() > 0 ? Sizes.format(speed()) + "/s per request" : "no speed cap",
        (checksum == null ? "" : ", objects with " + checksum + " checksums")
            + (partSize == null ? "" : ", uploaded in parts of " + Sizes.format(partSize)));
  }
}
