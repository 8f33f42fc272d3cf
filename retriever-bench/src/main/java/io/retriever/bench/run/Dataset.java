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

/** Generated data described as {@code COUNTxSIZE} shapes, e.g. {@code 1x1GiB,2000x64KiB}. */
public final class Dataset {
  private static final Pattern SPEC = Pattern.compile("(\\d+)x(.+)");

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
   * PREFIX<size>/object-00000.bin}) and returns the objects in key order.
   */
  public static List<TestObject> generate(
      LocalS3 s3, String bucket, String prefix, List<String> specs) {
    s3.createBucket(bucket);
    List<TestObject> objects = new ArrayList<>();
    for (String spec : specs) {
      Matcher m = parse(spec);
      int count = Integer.parseInt(m.group(1));
      long size = Sizes.parse(m.group(2));
      String label = m.group(2).trim();
      for (int i = 0; i < count; i++) {
        objects.add(
            s3.putRandom(
                bucket,
                String.format(Locale.ROOT, "%s%s/object-%05d.bin", prefix, label, i),
                size));
      }
    }
    objects.sort(Comparator.comparing(TestObject::key));
    return objects;
  }

  private static Matcher parse(String spec) {
    Matcher m = SPEC.matcher(spec.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + spec + "' is not COUNTxSIZE (e.g. 2000x64KiB)");
    }
    return m;
  }
}
