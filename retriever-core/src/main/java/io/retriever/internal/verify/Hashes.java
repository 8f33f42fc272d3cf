package io.retriever.internal.verify;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/** What an object's ETag and S3's hash names say about how its bytes can be checked. */
public final class Hashes {
  /** A multipart upload's ETag: the MD5 of its parts' MD5s, a dash, and the number of parts. */
  private static final Pattern MULTIPART = Pattern.compile("([0-9a-f]{32})-([0-9]{1,5})");

  /**
   * Whether MD5s are computed by {@link Md5} rather than the JDK's: in a JVM without C2 (the
   * launcher's {@code -XX:TieredStopAtLevel=1}), where the JDK's has no intrinsic. The system
   * property {@code io.retriever.md5} ({@code jdk} or {@code portable}) decides instead when set.
   */
  private static final boolean PORTABLE_MD5 = portableMd5();

  private Hashes() {}

  /** Returns a new digest for {@code MD5} or S3's name of a hash ({@code SHA1}, {@code SHA256}). */
  public static MessageDigest newDigest(String algorithm) {
    if ("MD5".equals(algorithm) && PORTABLE_MD5) {
      return new Md5();
    }
    String name =
        switch (algorithm) {
          case "MD5" -> "MD5";
          case "SHA1" -> "SHA-1";
          case "SHA256" -> "SHA-256";
          default -> throw new IllegalArgumentException("not a hash: " + algorithm);
        };
    try {
      return MessageDigest.getInstance(name);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM lacks " + name, e);
    }
  }

  /** Returns whether this JVM's command line leaves C2 out (C1 or the interpreter alone). */
  private static boolean portableMd5() {
    String chosen = System.getProperty("io.retriever.md5");
    if (chosen != null) {
      return chosen.equalsIgnoreCase("portable");
    }
    String[] arguments = ProcessHandle.current().info().arguments().orElse(new String[0]);
    boolean withoutC2 = false;
    for (String argument : arguments) {
      // The last of these wins, as it does for the JVM.
      if (argument.startsWith("-XX:TieredStopAtLevel=")) {
        withoutC2 = !argument.endsWith("=4");
      } else if (argument.equals("-XX:CompilationMode=quick-only") || argument.equals("-Xint")) {
        withoutC2 = true;
      } else if (argument.startsWith("-XX:CompilationMode=")) {
        withoutC2 = false;
      }
    }
    return withoutC2;
  }

  /** Returns whether S3 names a hash (SHA-1 or SHA-256) rather than a CRC. */
  static boolean isHash(String algorithm) {
    return "SHA256".equals(algorithm) || "SHA1".equals(algorithm);
  }

  /**
   * Returns the ETag as 32 lower-case hex digits if it can be an MD5 of the bytes, else null: an
   * object uploaded in parts has an ETag ending in {@code -N}.
   */
  public static String plainMd5(String eTag) {
    if (eTag == null) {
      return null;
    }
    String bare = eTag.replace("\"", "").toLowerCase(Locale.ROOT);
    return bare.matches("[0-9a-f]{32}") ? bare : null;
  }

  /**
   * What a multipart upload's ETag states: the MD5 of its parts' MD5s, and how many parts.
   *
   * @param md5 32 lower-case hex digits
   * @param parts the number of parts, from 1
   */
  public record MultipartEtag(String md5, int parts) {}

  /**
   * Returns what a multipart upload's ETag ({@code "<md5>-N"}) states, or null when the ETag is not
   * of that form or names more parts than S3 allows.
   */
  public static MultipartEtag multipartMd5(String eTag) {
    if (eTag == null) {
      return null;
    }
    Matcher m = MULTIPART.matcher(eTag.replace("\"", "").toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return null;
    }
    int parts = Integer.parseInt(m.group(2));
    return parts >= 1 && parts <= PartLayout.MAX_PARTS
        ? new MultipartEtag(m.group(1), parts)
        : null;
  }

  /**
   * Returns whether a response shows the object is encrypted with KMS or a customer's key, whose
   * ETags are not the MD5 of the bytes.
   */
  public static boolean encryptedWithKey(GetObjectResponse response) {
    return response.sseCustomerAlgorithm() != null
        || response.serverSideEncryption() == ServerSideEncryption.AWS_KMS
        || response.serverSideEncryption() == ServerSideEncryption.AWS_KMS_DSSE;
  }
}
