package io.retriever;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.RetrieverException.Reason;
import io.retriever.event.ObjectCompleted;
import io.retriever.testkit.LocalS3;
import io.retriever.testkit.LocalS3Extension;
import io.retriever.testkit.TestData;
import io.retriever.testkit.TestObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;

/** The ways Retriever reaches S3: its own client, the caller's, unsigned; listeners. */
@ExtendWith(LocalS3Extension.class)
class S3AccessTest {
  @Test
  void s3Client_callersClient_usedAndLeftOpen(LocalS3 s3, S3Client client) {
    s3.createBucket("own");
    TestObject o = s3.putRandom("own", "a.bin", 300_000);
    try (Retriever retriever = Retriever.builder().s3Client(client).build()) {
      byte[] bytes =
          retriever.toMemory(DownloadRequest.key("own", "a.bin")).objects().get(0).bytes();
      assertThat(TestData.sha256(bytes)).isEqualTo(o.sha256());
    }
    assertThat(client.headObject(b -> b.bucket("own").key("a.bin")).contentLength())
        .isEqualTo(300_000);
  }

  @Test
  void anonymous_publicBucket_downloadsUnsigned() throws Exception {
    try (LocalS3 open = LocalS3.builder().anonymous().start();
        Retriever retriever =
            Retriever.builder()
                .endpoint(open.endpoint())
                .region(open.region())
                .pathStyle(true)
                .anonymous()
                .build()) {
      open.createBucket("public");
      TestObject o = open.putRandom("public", "data/x.bin", 70_000);
      byte[] bytes =
          retriever.toMemory(DownloadRequest.prefix("public", "data/")).objects().get(0).bytes();
      assertThat(TestData.sha256(bytes)).isEqualTo(o.sha256());
    }
  }

  @Test
  void anonymous_privateBucket_saysAccessDenied(LocalS3 s3) {
    s3.createBucket("private");
    s3.putRandom("private", "x.bin", 10);
    try (Retriever retriever =
        Retriever.builder()
            .endpoint(s3.endpoint())
            .region(s3.region())
            .pathStyle(true)
            .anonymous()
            .build()) {
      assertThatThrownBy(() -> retriever.toMemory(DownloadRequest.prefix("private", "")).await())
          .isInstanceOf(RetrieverException.class)
          .extracting(e -> ((RetrieverException) e).reason())
          .isEqualTo(Reason.ACCESS_DENIED);
    }
  }

  @Test
  void listener_receivesProgressObjectsAndEnd(LocalS3 s3) {
    s3.createBucket("listen");
    s3.putMany("listen", 20, 1000, i -> "k" + i);
    List<String> events = new ArrayList<>();
    List<ProgressSnapshot> snapshots = new ArrayList<>();
    DownloadListener listener =
        new DownloadListener() {
          @Override
          public void progress(ProgressSnapshot snapshot) {
            synchronized (events) {
              snapshots.add(snapshot);
            }
          }

          @Override
          public void objectCompleted(ObjectCompleted event) {
            synchronized (events) {
              events.add("object " + event.object().key());
            }
          }

          @Override
          public void downloadCompleted(DownloadSummary summary) {
            synchronized (events) {
              events.add("done " + summary.objects());
            }
          }
        };
    try (Retriever retriever = Fixtures.retriever(s3).addListener(listener).build()) {
      retriever.toMemory(DownloadRequest.prefix("listen", "")).await();
    }
    assertThat(events).hasSize(21).last().isEqualTo("done 20");
    ProgressSnapshot last = snapshots.get(snapshots.size() - 1);
    assertThat(last.objectsDone()).isEqualTo(20);
    assertThat(last.bytesDone()).isEqualTo(20_000);
    assertThat(last.listingComplete()).isTrue();
  }

  @Test
  void listener_throws_failsDownloadNamingIt(LocalS3 s3) {
    s3.createBucket("throwing");
    s3.putRandom("throwing", "k", 10);
    DownloadListener broken =
        new DownloadListener() {
          @Override
          public void objectCompleted(ObjectCompleted event) {
            throw new IllegalStateException("boom");
          }
        };
    try (Retriever retriever = Fixtures.retriever(s3).addListener(broken).build()) {
      assertThatThrownBy(() -> retriever.toMemory(DownloadRequest.prefix("throwing", "")).await())
          .isInstanceOf(RetrieverException.class)
          .hasMessageContaining("objectCompleted")
          .hasMessageContaining("boom")
          .hasMessageContaining(broken.getClass().getName());
    }
    assertThat(Fixtures.pipelineThreads()).isEmpty();
  }
}
