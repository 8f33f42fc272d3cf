package io.retriever.internal.s3;

import io.retriever.ObjectInfo;
import io.retriever.internal.s3.S3Access.ExpectedCrcs;
import java.util.Base64;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** Reads the checksums S3 states in its responses. Stateless. */
final class ChecksumValues {
  private ChecksumValues() {}

  /** Returns the algorithm of the checksum a HEAD in checksum mode showed, or null. */
  static String algorithm(HeadObjectResponse r) {
    return r.checksumCRC32C() != null
        ? "CRC32C"
        : r.checksumCRC32() != null
            ? "CRC32"
            : r.checksumCRC64NVME() != null
                ? "CRC64NVME"
                : r.checksumSHA256() != null ? "SHA256" : r.checksumSHA1() != null ? "SHA1" : null;
  }

  /** Returns {@code crc} as the checksum of the whole object, or null. */
  static ExpectedCrcs whole(ObjectInfo object, ExpectedCrcs crc) {
    return crc == null
        ? null
        : new ExpectedCrcs(crc.algorithm(), new long[] {object.size()}, crc.values(), null);
  }

  /** Parses a CRC S3 gave in base64, or returns null when it is not a plain CRC. */
  static ExpectedCrcs crc(String algorithm, String base64) {
    try {
      byte[] b = Base64.getDecoder().decode(base64);
      if (b.length != (algorithm.equals("CRC64NVME") ? 8 : 4)) {
        return null;
      }
      long value = 0;
      for (byte x : b) {
        value = (value << 8) | (x & 0xFFL);
      }
      return new ExpectedCrcs(algorithm, null, new long[] {value}, null);
    } catch (IllegalArgumentException e) {
      return null; // "...-N": a composite checksum
    }
  }

  /** Parses a SHA-256 or SHA-1 S3 gave in base64, or returns null when it is not a plain one. */
  static byte[] hash(String algorithm, String base64) {
    try {
      byte[] b = Base64.getDecoder().decode(base64);
      return b.length == (algorithm.equals("SHA256") ? 32 : 20) ? b : null;
    } catch (IllegalArgumentException e) {
      return null; // "...-N": a composite checksum
    }
  }
}
