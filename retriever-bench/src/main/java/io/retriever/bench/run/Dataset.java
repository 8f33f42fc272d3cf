package io.retriever.bench.run;

import io.retriever.options.Sizes;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.TestObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generated data described as {@code COUNTxSIZE[/FOLDERS]} shapes, e.g. {@code 1x1GiB,2000x64KiB}
 * or {@code 20000x1KiB/100} (the objects spread evenly over 100 folders).
 */
public final class Dataset {
  private static final Pattern SPEC = Pattern.compile("(\\d+)x([^/]+)(?:/(\\d+))?");

  private Dataset() {}

  /** Returns the total bytes of the shapes. */
  public static long totalBytes(List<String> specs) {
    long total = 0;
    for (String spec : specs) {
      Matcher m = parse(spec);
      total += Long.parseLong(m.group(1)) * Sizes.parse(m.group(2));
    }
    return total;
  }

  /**
   * Generates the shapes into {@code bucket} under {@code prefix} (keys {@code
   * PREFIX<size>/object-00000.bin}, or {@code PREFIX<size>/folder-000/object-00000.bin} with
   * folders) and returns the objects in key order.
   */
  public static List<TestObject> generate(
      LocalS3 s3, String bucket, String prefix, List<String> specs) {
    return generate(s3, bucket, prefix, specs, null);
  }

  /**
   * Generates the shapes as {@link #generate(LocalS3, String, String, List)} does, each object with
   * a full-object checksum of {@code checksum} ({@code CRC64NVME}, ...) unless it is null.
   */
  public static List<TestObject> generate(
      LocalS3 s3, String bucket, String prefix, List<String> specs, String checksum) {
    return generate(s3, bucket, prefix, specs, checksum, 0);
  }

  /**
   * Generates the shapes as {@link #generate(LocalS3, String, String, List, String)} does, each
   * object larger than {@code partSize} (unless it is 0) uploaded in parts of that size, as the AWS
   * CLI uploads large objects: its ETag is then the MD5 of its parts' MD5s.
   */
  public static List<TestObject> generate(
      LocalS3 s3,
      String bucket,
      String prefix,
      List<String> specs,
      String checksum,
      long partSize) {
    s3.createBucket(bucket);
    List<TestObject> objects = new ArrayList<>();
    for (String spec : specs) {
      Matcher m = parse(spec);
      int count = Integer.parseInt(m.group(1));
      long size = Sizes.parse(m.group(2));
      String label = m.group(2).trim();
      int folders = m.group(3) == null ? 0 : Math.max(1, Integer.parseInt(m.group(3)));
      int perFolder = folders == 0 ? count : (count + folders - 1) / folders;
      for (int i = 0; i < count; i++) {
        String folder =
            folders == 0 ? "" : String.format(Locale.ROOT, "folder-%03d/", i / perFolder);
        String key = String.format(Locale.ROOT, "%s%s/%sobject-%05d.bin", prefix, label, folder, i);
        if (partSize > 0 && size > partSize) {
          objects.add(s3.putRandomInParts(bucket, key, size, partSize, checksum));
        } else {
          objects.add(
              checksum == null
                  ? s3.putRandom(bucket, key, size)
                  : s3.putRandomWithChecksum(bucket, key, size, checksum));
        }
      }
    }
    objects.sort(Comparator.comparing(TestObject::key));
    return objects;
  }

  private static Matcher parse(String spec) {
    Matcher m = SPEC.matcher(spec.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + spec + "' is not COUNTxSIZE[/FOLDERS] (e.g. 2000x64KiB or 20000x1KiB/100)");
    }
    return m;
  }
}
