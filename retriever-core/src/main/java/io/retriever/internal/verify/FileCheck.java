package io.retriever.internal.verify;

import io.retriever.ObjectInfo;
import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.internal.s3.S3Access;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.Checksum;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Checks a local file that should hold an object's bytes, written by someone other than a download
 * (ranges of the object fetched by several processes, say), by the first of what the store keeps
 * for it: a full-object CRC or hash, each part's CRC, the MD5 its ETag is, or the MD5 of its parts'
 * MD5s a multipart upload's ETag is. Reads the file once (a multipart upload whose part size is
 * inferred, once for each size its size allows until one matches).
 */
public final class FileCheck {
  private static final int BUFFER = 1 << 20;

  private FileCheck() {}

  /**
   * Returns what the file was checked by ({@code "CRC64NVME"}, {@code "MD5"}, ...), or null when
   * the store keeps nothing to check it by.
   *
   * @throws RetrieverException {@link Reason#CORRUPT} if the bytes or the size do not match; the
   *     reason of the failed HEAD if the object is gone or changed
   * @throws IOException if the file cannot be read
   */
  public static String check(S3Access s3, ObjectInfo object, Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      if (channel.size() != object.size()) {
        throw corrupt(object, "size", object.size() + " bytes", channel.size() + " bytes");
      }
      HeadObjectResponse head = s3.headVersion(object);
      S3Access.WholeChecksum whole =
          S3Access.fullObject(head, object) ? S3Access.wholeChecksum(asGet(head)) : null;
      if (whole != null && whole.hash() == null) {
        Checksum crc = Crcs.newChecksum(whole.algorithm());
        read(channel, 0, object.size(), crc::update);
        compare(object, whole.algorithm(), whole.crc(), crc.getValue());
        return whole.algorithm();
      }
      if (whole != null) {
        return digest(channel, object, whole.algorithm(), whole.hash());
      }
      if (Crcs.combinable(object.checksumAlgorithm())) {
        S3Access.ExpectedCrcs parts = s3.partCrcs(object);
        if (parts != null && Arrays.stream(parts.partSizes()).sum() == object.size()) {
          checkParts(channel, object, parts);
          return parts.algorithm() + " of each part";
        }
      }
      String md5 = Hashes.plainMd5(object.eTag());
      if (md5 != null && !Hashes.encryptedWithKey(asGet(head))) {
        return digest(channel, object, "MD5", HexFormat.of().parseHex(md5));
      }
      Hashes.MultipartEtag etag = Hashes.multipartMd5(object.eTag());
      if (etag != null && !Hashes.encryptedWithKey(asGet(head))) {
        List<PartLayout> layouts = PartLayout.learn(s3, object, etag.parts());
        for (PartLayout parts : layouts) {
          if (checkPartMd5s(channel, object, parts, etag)) {
            return "MD5 of each part";
          }
        }
        if (!layouts.isEmpty()) {
          // With a layout inferred, the bytes or the layout may be wrong: fetching the object
          // again, and comparing, tells which.
          throw corrupt(
              object,
              "ETag, the MD5 of its parts' MD5s ("
                  + (layouts.get(0).learned()
                      ? layouts.get(0).describe()
                      : "for every part size its size allows")
                  + ")",
              etag.md5() + "-" + etag.parts(),
              "another");
        }
      }
      return null;
    }
  }

  /** Returns whether the file matches a multipart upload's ETag with the parts of {@code parts}. */
  private static boolean checkPartMd5s(
      FileChannel channel, ObjectInfo object, PartLayout parts, Hashes.MultipartEtag etag)
      throws IOException {
    MessageDigest part = Hashes.newDigest("MD5");
    MessageDigest ofParts = Hashes.newDigest("MD5");
    for (int i = 0; i < parts.count(); i++) {
      read(channel, parts.offset(i), parts.length(i), part::update);
      ofParts.update(part.digest());
    }
    return HexFormat.of().formatHex(ofParts.digest()).equals(etag.md5());
  }

  private static String digest(
      FileChannel channel, ObjectInfo object, String algorithm, byte[] expected)
      throws IOException {
    MessageDigest digest = Hashes.newDigest(algorithm);
    read(channel, 0, object.size(), digest::update);
    byte[] actual = digest.digest();
    if (!MessageDigest.isEqual(expected, actual)) {
      HexFormat hex = HexFormat.of();
      throw corrupt(object, algorithm, hex.formatHex(expected), hex.formatHex(actual));
    }
    return algorithm;
  }

  private static void checkParts(
      FileChannel channel, ObjectInfo object, S3Access.ExpectedCrcs parts) throws IOException {
    Checksum crc = Crcs.newChecksum(parts.algorithm());
    long position = 0;
    for (int part = 0; part < parts.partSizes().length; part++) {
      crc.reset();
      read(channel, position, parts.partSizes()[part], crc::update);
      position += parts.partSizes()[part];
      compare(
          object,
          parts.algorithm() + " of part " + (part + 1),
          parts.values()[part],
          crc.getValue());
    }
  }

  private interface Bytes {
    void accept(byte[] bytes, int offset, int length);
  }

  /**
   * Reads exactly {@code length} bytes from {@code from} into {@code bytes}, a buffer at a time.
   */
  private static void read(FileChannel channel, long from, long length, Bytes bytes)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    for (long position = from, end = from + length; position < end; ) {
      buffer.clear().limit((int) Math.min(BUFFER, end - position));
      int n = channel.read(buffer, position);
      if (n < 0) {
        throw new IOException("the file ended at byte " + position + ", before its size");
      }
      bytes.accept(buffer.array(), 0, n);
      position += n;
    }
  }

  private static void compare(ObjectInfo object, String what, long expected, long actual) {
    if (expected != actual) {
      throw corrupt(object, what, Long.toHexString(expected), Long.toHexString(actual));
    }
  }

  private static RetrieverException corrupt(
      ObjectInfo object, String what, String expected, String actual) {
    return new RetrieverException(
        Reason.CORRUPT,
        object.uri()
            + " does not match its "
            + what
            + ": the store has "
            + expected
            + ", the file "
            + actual);
  }

  /** Returns the HEAD's checksums and encryption as a GET's response would carry them. */
  private static GetObjectResponse asGet(HeadObjectResponse head) {
    return GetObjectResponse.builder()
        .checksumCRC32C(head.checksumCRC32C())
        .checksumCRC32(head.checksumCRC32())
        .checksumCRC64NVME(head.checksumCRC64NVME())
        .checksumSHA256(head.checksumSHA256())
        .checksumSHA1(head.checksumSHA1())
        .checksumType(head.checksumType())
        .serverSideEncryption(head.serverSideEncryption())
        .sseCustomerAlgorithm(head.sseCustomerAlgorithm())
        .build();
  }
}
