package io.retriever.spark.internal;

import io.retriever.RetrieverException;
import io.retriever.RetrieverException.Reason;
import io.retriever.internal.s3.RangeAnswers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Writes a byte range of one object into a file at the same offsets, for an object split across
 * work units: ranged GETs of at most a chunk each, several at once on the executor's range pool,
 * every one conditional on the listed ETag ({@code If-Match}), so that the pieces written by
 * different tasks are of one version. A response that is not the range asked for (status, {@code
 * Content-Range}, length, ETag: the core's rule, {@link RangeAnswers}) is a fault, asked for again;
 * a GET cut off part-way goes on from where it stopped. Writing the same range twice (a retried or
 * speculative task) writes the same bytes.
 *
 * <p>Memory: one buffer of {@link #BUFFER} bytes per GET in flight.
 */
final class RangeWriter {
  /** Bytes read from a response before they are written. */
  static final int BUFFER = 256 << 10;

  /** Tries of one ranged GET, counting each that ends early or answers wrongly. */
  static final int ATTEMPTS = 4;

  private final S3Client client;
  private final ExecutorService pool;

  RangeWriter(S3Client client, ExecutorService pool) {
    this.client = client;
    this.pool = pool;
  }

  /**
   * Writes bytes {@code [start, end)} of {@code object} into {@code file} (created if missing,
   * never truncated) in GETs of at most {@code chunk} bytes.
   *
   * @throws RetrieverException naming the object: {@link Reason#CHANGED} if it is no longer the
   *     listed version, else why its bytes could not be had or written
   */
  void write(String bucket, ListedObject object, long start, long end, Path file, long chunk)
      throws InterruptedException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      List<Future<?>> gets = new ArrayList<>();
      for (long from = start; from < end; from += chunk) {
        long a = from;
        long b = Math.min(end, from + chunk);
        gets.add(pool.submit(() -> fetch(bucket, object, a, b, channel)));
      }
      try {
        for (Future<?> get : gets) {
          get.get();
        }
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RetrieverException r
            ? r
            : new RetrieverException(Reason.SERVER, uri(bucket, object) + ": " + e.getCause(), e);
      } finally {
        gets.forEach(g -> g.cancel(true));
      }
    } catch (IOException e) {
      throw new RetrieverException(Reason.LOCAL_IO, "cannot write " + file + ": " + e, e);
    }
  }

  /** Fetches {@code [a, b)} into the channel, going on after a cut-off, up to the attempts. */
  private Void fetch(String bucket, ListedObject object, long a, long b, FileChannel channel)
      throws IOException {
    long position = a;
    ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    for (int attempt = 1; ; attempt++) {
      try (ResponseInputStream<GetObjectResponse> in = get(bucket, object, position, b)) {
        String problem =
            RangeAnswers.problem(
                uri(bucket, object),
                object.size(),
                object.eTag(),
                in.response(),
                false,
                position,
                b - 1);
        if (problem != null) {
          throw new Fault(problem);
        }
        position = copy(in, buffer, channel, position, b);
        if (position == b) {
          return null;
        }
        if (attempt >= ATTEMPTS) {
          throw new RetrieverException(
              Reason.SERVER,
              uri(bucket, object)
                  + ": bytes "
                  + position
                  + "-"
                  + (b - 1)
                  + " did not arrive after "
                  + attempt
                  + " GETs (each ended early)");
        }
      } catch (S3Exception e) {
        if (e.statusCode() == 412) {
          throw new RetrieverException(
              Reason.CHANGED,
              uri(bucket, object)
                  + " changed while its ranges were fetched (ETag no longer "
                  + object.eTag()
                  + "); download it again",
              e);
        }
        if (e.statusCode() == 404) {
          throw new RetrieverException(
              Reason.NOT_FOUND, uri(bucket, object) + " was deleted during the download", e);
        }
        if (attempt >= ATTEMPTS) {
          throw new RetrieverException(Reason.SERVER, uri(bucket, object) + ": " + e, e);
        }
      } catch (SdkException | Fault e) {
        if (attempt >= ATTEMPTS) {
          throw new RetrieverException(
              Reason.SERVER,
              uri(bucket, object) + ": bytes " + a + "-" + (b - 1) + " failed: " + e.getMessage(),
              e);
        }
      } catch (IOException e) {
        if (!channel.isOpen() || attempt >= ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private ResponseInputStream<GetObjectResponse> get(
      String bucket, ListedObject object, long a, long b) {
    return client.getObject(
        r -> {
          r.bucket(bucket).key(object.key()).range("bytes=" + a + "-" + (b - 1));
          if (object.eTag() != null) {
            r.ifMatch(object.eTag());
          }
        });
  }

  /** Copies the response into the channel at {@code position}; returns where it ended. */
  private static long copy(
      InputStream in, ByteBuffer buffer, FileChannel channel, long position, long end)
      throws IOException {
    byte[] bytes = buffer.array();
    while (position < end) {
      int n = in.read(bytes, 0, (int) Math.min(bytes.length, end - position));
      if (n < 0) {
        break;
      }
      buffer.clear().limit(n);
      while (buffer.hasRemaining()) {
        position += channel.write(buffer, position);
      }
    }
    if (position == end && in.read() >= 0) {
      throw new Fault("the store sent more bytes than the range holds");
    }
    return position;
  }

  private static String uri(String bucket, ListedObject object) {
    return "s3://" + bucket + "/" + object.key();
  }

  /** A response that is not what was asked for: asked for again. */
  private static final class Fault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Fault(String message) {
      super(message);
    }
  }
}
