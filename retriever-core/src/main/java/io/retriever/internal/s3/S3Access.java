package io.retriever.internal.s3;

import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.internal.Settings;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.GetObjectAttributesParts;
import software.amazon.awssdk.services.s3.model.GetObjectAttributesResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectAttributes;
import software.amazon.awssdk.services.s3.model.ObjectPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Retriever's only door to S3: one {@link S3Client}, built from the settings by {@link S3Clients}
 * (or the caller's), and the requests a download needs.
 *
 * <p>Thread safety: all methods may be called concurrently; the SDK client is thread-safe.
 */
public final class S3Access implements AutoCloseable {
  /** Asks S3 to send the object's checksum with it; signed like any header. */
  private static final String CHECKSUM_MODE = "x-amz-checksum-mode";

  private final S3Client client;
  private final boolean ownsClient;

  /** The HTTP client under {@link #client}, when this built it; else null. */
  private final SdkHttpClient http;

  /** The lean path for GETs of object bytes, or null for the client alone. */
  private final LeanGets lean;

  private final boolean verify;

  private final String endpointName;

  public S3Access(Settings settings) {
    this.verify = settings.verify();
    if (settings.client() != null) {
      this.client = settings.client();
      this.ownsClient = false;
      this.http = null;
      this.lean = null;
      this.endpointName = "the S3 endpoint";
    } else {
      this.http = S3Clients.http(settings);
      this.client = S3Clients.build(settings, http);
      this.ownsClient = true;
      this.lean = LeanGets.of(client, http, settings.pathStyle(), settings.anonymous());
      URI endpoint = S3Clients.endpoint(settings);
      this.endpointName = endpoint != null ? endpoint.toString() : "S3";
    }
  }

  /**
   * Makes the current thread add the SDK's retries to {@code requests} (which counts each call
   * once). The SDK's synchronous client sends every attempt of a call on the calling thread.
   */
  public static void countRequestsIn(AtomicLong requests) {
    S3Clients.countRequestsIn(requests);
  }

  /** Returns the endpoint in use, for messages. */
  public String endpointName() {
    return endpointName;
  }

  /** Returns the object's metadata, or fails with a message that names it. */
  public ObjectInfo head(String bucket, String key) {
    HeadObjectResponse r;
    try {
      r =
          client.headObject(
              b -> {
                b.bucket(bucket).key(key);
                if (verify) {
                  b.checksumMode(ChecksumMode.ENABLED);
                }
              });
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && S3Errors.answeredLikeS3(e) && !bucketExists(bucket)) {
        throw S3Errors.noSuchBucket(bucket, e);
      }
      throw describe(e, bucket, key);
    } catch (RuntimeException e) {
      throw describe(e, bucket, key);
    }
    return new ObjectInfo(
        bucket,
        key,
        r.contentLength(),
        r.eTag(),
        r.lastModified(),
        ChecksumValues.algorithm(r),
        r.checksumTypeAsString());
  }

  /**
   * The CRCs S3 keeps for an object: one for the whole, or one per part of a multipart upload.
   *
   * @param algorithm {@code CRC32}, {@code CRC32C} or {@code CRC64NVME}
   * @param partSizes the size of each part in order; one part, the whole object, for a full-object
   *     checksum
   * @param values the CRC of each part (unsigned), or null for a hash
   * @param hash the whole object's SHA-1 or SHA-256, or null for CRCs
   */
  public record ExpectedCrcs(String algorithm, long[] partSizes, long[] values, byte[] hash) {}

  /**
   * Returns a HEAD in checksum mode of exactly this version of the object (conditional on its
   * ETag), with what it says of the object's checksums and encryption.
   *
   * @throws RetrieverException if the HEAD fails, the object is gone, or the store answers for
   *     another version (its ETag or size not the listed ones, as a store that ignores {@code
   *     If-Match} would)
   */
  public HeadObjectResponse headVersion(ObjectInfo object) {
    HeadObjectResponse r;
    try {
      r = headInChecksumMode(object);
    } catch (RuntimeException e) {
      throw describe(e, object.bucket(), object.key());
    }
    boolean otherETag = r.eTag() != null && !sameETag(object.eTag(), r.eTag());
    if (otherETag || (r.contentLength() != null && r.contentLength() != object.size())) {
      throw new RetrieverException(
          Reason.CHANGED,
          object.uri()
              + " is no longer the version listed (ETag "
              + object.eTag()
              + ", "
              + object.size()
              + " bytes): the store now answers ETag "
              + r.eTag()
              + ", "
              + r.contentLength()
              + " bytes; download it again");
    }
    return r;
  }

  /**
   * Returns a HEAD in checksum mode of this version of the object, or null when it fails or the
   * object's checksum is a composite one.
   */
  private HeadObjectResponse fullObjectChecksums(ObjectInfo object) {
    HeadObjectResponse r;
    try {
      r = headInChecksumMode(object);
    } catch (RuntimeException e) {
      return null;
    }
    return fullObject(r, object) ? r : null;
  }

  /** Sends a HEAD in checksum mode, conditional on the object's ETag when it has one. */
  private HeadObjectResponse headInChecksumMode(ObjectInfo object) {
    return client.headObject(
        b -> {
          b.bucket(object.bucket()).key(object.key()).checksumMode(ChecksumMode.ENABLED);
          if (object.eTag() != null) {
            b.ifMatch(object.eTag());
          }
        });
  }

  /**
   * Returns whether the checksums a HEAD in checksum mode gave are of the whole object: when the
   * store says so, or, when it says nothing, for an object uploaded in one part (a multipart
   * upload's checksum without a stated type is a checksum of its parts' checksums, whatever its
   * form).
   */
  public static boolean fullObject(HeadObjectResponse r, ObjectInfo object) {
    return r.checksumType() == null
        ? !isMultipart(object.eTag())
        : r.checksumType() == ChecksumType.FULL_OBJECT;
  }

  /**
   * Returns whether two ETags name the same version, quotes and a weakness mark ({@code W/}) aside;
   * true when the listed one is unknown (null), as there is nothing to tell them apart by.
   */
  public static boolean sameETag(String listed, String answered) {
    return listed == null || answered == null || bare(listed).equals(bare(answered));
  }

  private static String bare(String eTag) {
    String bare = eTag.startsWith("W/") ? eTag.substring(2) : eTag;
    return bare.replace("\"", "");
  }

  /** Returns whether an ETag is that of a multipart upload ({@code "...-N"}). */
  public static boolean isMultipart(String eTag) {
    return eTag != null && eTag.replace("\"", "").matches(".*-[0-9]+");
  }

  /**
   * Returns the object's full-object SHA-1 or SHA-256, asked for with a HEAD in checksum mode, or
   * null when it has none (or a composite one) or the HEAD fails.
   */
  public ExpectedCrcs fullObjectHash(ObjectInfo object) {
    HeadObjectResponse r = fullObjectChecksums(object);
    if (r == null) {
      return null;
    }
    String value =
        "SHA256".equals(object.checksumAlgorithm()) ? r.checksumSHA256() : r.checksumSHA1();
    if (value == null) {
      return null;
    }
    try {
      return new ExpectedCrcs(
          object.checksumAlgorithm(),
          new long[] {object.size()},
          null,
          Base64.getDecoder().decode(value));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * What a HEAD of a multipart upload's first part says.
   *
   * @param length the part's length
   * @param parts the number of parts the store states ({@code x-amz-mp-parts-count})
   */
  public record FirstPart(long length, int parts) {}

  /**
   * Returns the length of the object's first part and its number of parts, from a HEAD of part 1 of
   * this version; null when the store does not say (it ignores {@code partNumber}, as some
   * S3-compatible stores do, and answers for the whole object), or the HEAD fails.
   */
  public FirstPart firstPart(ObjectInfo object) {
    HeadObjectResponse r;
    try {
      r =
          client.headObject(
              b -> {
                b.bucket(object.bucket()).key(object.key()).partNumber(1);
                if (object.eTag() != null) {
                  b.ifMatch(object.eTag());
                }
              });
    } catch (RuntimeException e) {
      return null;
    }
    if (r.partsCount() == null || r.contentLength() == null || !sameETag(object.eTag(), r.eTag())) {
      return null;
    }
    return new FirstPart(r.contentLength(), r.partsCount());
  }

  /** Most pages of parts read for one object: S3 allows 10,000 parts, 1,000 a page. */
  static final int MAX_PART_PAGES = 10;

  /**
   * Returns the CRC of each part of a multipart object, from GetObjectAttributes, or null when it
   * cannot be had (no such checksum, the object changed, the request failed).
   */
  public ExpectedCrcs partCrcs(ObjectInfo object) {
    List<Long> sizes = new ArrayList<>();
    List<Long> values = new ArrayList<>();
    String algorithm = object.checksumAlgorithm();
    Integer marker = null;
    try {
      for (int page = 1; ; page++) {
        if (page > MAX_PART_PAGES) {
          return null; // More pages than 10,000 parts fill: a store that loops.
        }
        Integer from = marker;
        GetObjectAttributesResponse r =
            client.getObjectAttributes(
                b -> {
                  b.bucket(object.bucket())
                      .key(object.key())
                      .objectAttributes(ObjectAttributes.OBJECT_PARTS)
                      .maxParts(1000);
                  if (from != null) {
                    b.partNumberMarker(from);
                  }
                });
        if (r.eTag() != null && !sameETag(object.eTag(), r.eTag())) {
          return null;
        }
        GetObjectAttributesParts parts = r.objectParts();
        if (parts == null || !parts.hasParts() || parts.parts().isEmpty()) {
          return null;
        }
        for (ObjectPart part : parts.parts()) {
          String value =
              switch (algorithm) {
                case "CRC32" -> part.checksumCRC32();
                case "CRC32C" -> part.checksumCRC32C();
                case "CRC64NVME" -> part.checksumCRC64NVME();
                default -> null;
              };
          ExpectedCrcs crc = value == null ? null : ChecksumValues.crc(algorithm, value);
          if (crc == null || part.size() == null) {
            return null;
          }
          sizes.add(part.size());
          values.add(crc.values()[0]);
        }
        if (!Boolean.TRUE.equals(parts.isTruncated())) {
          break;
        }
        marker = parts.nextPartNumberMarker();
        if (marker == null || (from != null && marker <= from)) {
          return null; // A page that does not move on would be asked for forever.
        }
      }
    } catch (RuntimeException e) {
      return null;
    }
    return new ExpectedCrcs(
        algorithm,
        sizes.stream().mapToLong(Long::longValue).toArray(),
        values.stream().mapToLong(Long::longValue).toArray(),
        null);
  }

  /**
   * Returns the object's full-object CRC-32, CRC-32C or CRC-64/NVME, asked for with a HEAD in
   * checksum mode, or null when it has none of those (no checksum, a composite one of a multipart
   * upload, another algorithm) or the HEAD fails.
   */
  public ExpectedCrcs fullObjectCrc(ObjectInfo object) {
    HeadObjectResponse r = fullObjectChecksums(object);
    if (r == null) {
      return null;
    }
    if (r.checksumCRC32C() != null) {
      return ChecksumValues.whole(object, ChecksumValues.crc("CRC32C", r.checksumCRC32C()));
    }
    if (r.checksumCRC32() != null) {
      return ChecksumValues.whole(object, ChecksumValues.crc("CRC32", r.checksumCRC32()));
    }
    if (r.checksumCRC64NVME() != null) {
      return ChecksumValues.whole(object, ChecksumValues.crc("CRC64NVME", r.checksumCRC64NVME()));
    }
    return null;
  }

  /**
   * A whole object's checksum as a GET in checksum mode brought it.
   *
   * @param algorithm {@code CRC32C}, {@code CRC32}, {@code CRC64NVME}, {@code SHA256} or {@code
   *     SHA1}
   * @param crc the CRC (unsigned, in a long), for a CRC
   * @param hash the hash's bytes, for a hash; else null
   */
  public record WholeChecksum(String algorithm, long crc, byte[] hash) {}

  /**
   * Returns the whole-object checksum a GET in checksum mode came with, the cheapest to check
   * first, or null (none, or only a composite one of the parts' checksums, which the bytes cannot
   * match).
   */
  public static WholeChecksum wholeChecksum(GetObjectResponse response) {
    if (response.checksumType() == ChecksumType.COMPOSITE) {
      return null;
    }
    String[][] crcs = {
      {"CRC32C", response.checksumCRC32C()},
      {"CRC32", response.checksumCRC32()},
      {"CRC64NVME", response.checksumCRC64NVME()}
    };
    for (String[] c : crcs) {
      ExpectedCrcs crc = c[1] == null ? null : ChecksumValues.crc(c[0], c[1]);
      if (crc != null) {
        return new WholeChecksum(c[0], crc.values()[0], null);
      }
    }
    String[][] hashes = {{"SHA256", response.checksumSHA256()}, {"SHA1", response.checksumSHA1()}};
    for (String[] h : hashes) {
      byte[] hash = h[1] == null ? null : ChecksumValues.hash(h[0], h[1]);
      if (hash != null) {
        return new WholeChecksum(h[0], 0, hash);
      }
    }
    return null;
  }

  /** Returns whether the bucket exists (a HEAD on it answers anything but 404). */
  public boolean bucketExists(String bucket) {
    try {
      client.headBucket(b -> b.bucket(bucket));
      return true;
    } catch (S3Exception e) {
      return e.statusCode() != 404;
    } catch (RuntimeException e) {
      return true;
    }
  }

  /**
   * Sends one ListObjectsV2 request: the page after {@code continuationToken} (the first page when
   * null), with the keys below the next {@code delimiter} after the prefix rolled up into common
   * prefixes when it is not null, and only keys after {@code startAfter} when it is not null. Keys
   * are asked for URL-encoded, which the SDK decodes: raw, a key holding a control character makes
   * the XML unreadable and with it every other key of the page.
   */
  public ListObjectsV2Response listPage(
      String bucket, String prefix, String continuationToken, String delimiter, String startAfter) {
    ListObjectsV2Request.Builder request =
        ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).encodingType(EncodingType.URL);
    if (continuationToken != null) {
      request.continuationToken(continuationToken);
    } else if (startAfter != null) {
      // Only with the first page: the token carries the position after it (S3-compatible stores
      // may refuse the two together).
      request.startAfter(startAfter);
    }
    if (delimiter != null) {
      request.delimiter(delimiter);
    }
    return client.listObjectsV2(request.build());
  }

  /**
   * Sends a GET for {@code [offset, end]} of the object, or for the whole object when {@code range}
   * is null, on condition that its ETag still matches.
   */
  public ResponseInputStream<GetObjectResponse> get(ObjectInfo object, String range) {
    return get(object, range, Map.of());
  }

  /**
   * Sends a GET as {@link #get(ObjectInfo, String)} does, with extra headers, which are signed. A
   * whole object comes with its checksum, when it has one, for the caller to check; a multipart
   * upload's only when its listing says the checksum is of the whole object: a store need not label
   * a checksum of its parts' checksums as such.
   */
  public ResponseInputStream<GetObjectResponse> get(
      ObjectInfo object, String range, Map<String, String> headers) {
    boolean checksum =
        range == null
            && verify
            && (!isMultipart(object.eTag()) || "FULL_OBJECT".equals(object.checksumType()));
    if (lean != null) {
      Map<String, String> all = new LinkedHashMap<>(headers);
      if (object.eTag() != null) {
        all.put("If-Match", object.eTag());
      }
      if (range != null) {
        all.put("Range", range);
      }
      if (checksum) {
        all.put(CHECKSUM_MODE, "ENABLED");
      }
      ResponseInputStream<GetObjectResponse> response =
          lean.get(object.bucket(), object.key(), all);
      if (response != null) {
        return response;
      }
    }
    GetObjectRequest.Builder request =
        GetObjectRequest.builder().bucket(object.bucket()).key(object.key());
    if (!headers.isEmpty() || checksum) {
      // As a header rather than the request's checksum mode, so that the SDK leaves the checking
      // to the caller, who checks CRC-64/NVME too and counts what it checked.
      request.overrideConfiguration(
          o -> {
            headers.forEach(o::putHeader);
            if (checksum) {
              o.putHeader(CHECKSUM_MODE, "ENABLED");
            }
          });
    }
    if (object.eTag() != null) {
      request.ifMatch(object.eTag());
    }
    if (range != null) {
      request.range(range);
    }
    return client.getObject(request.build());
  }

  /** Describes a failure about {@code s3://bucket/key}. */
  public RetrieverException describe(Throwable error, String bucket, String key) {
    return S3Errors.describe(error, bucket, "s3://" + bucket + "/" + key, endpointName);
  }

  @Override
  public void close() {
    if (ownsClient) {
      client.close();
      http.close();
    }
  }
}
