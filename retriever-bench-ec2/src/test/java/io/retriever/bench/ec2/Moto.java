package io.retriever.bench.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import io.retriever.bench.ec2.internal.Clients;
import io.retriever.testkit.MotoServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * A {@code moto_server} on 127.0.0.1 for these tests, and clients and runners that only ever talk
 * to it: each test takes a region of its own, since moto keeps EC2's state per region.
 */
final class Moto {
  static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b"));

  /** The server the module's test classes share; started on first use. */
  private static MotoServer shared;

  private Moto() {}

  /**
   * Returns the moto server this test JVM shares, started on first use and stopped when the JVM
   * exits: moto's first EC2 calls in a region take seconds, which every test class would pay again
   * with a server of its own. Each class keeps to buckets, run ids and regions of its own.
   */
  static synchronized MotoServer shared() throws IOException, InterruptedException {
    if (shared == null) {
      MotoServer started = MotoServer.start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.close();
                    } catch (IOException | InterruptedException e) {
                      // The JVM is exiting; moto_server goes with the test's process group.
                    }
                  },
                  "moto-stop"));
      shared = started;
    }
    return shared;
  }

  /** Creates a bucket in the clients' region unless it exists. */
  static void bucket(Clients clients, String name) {
    if (clients.s3().listBuckets().buckets().stream().noneMatch(b -> b.name().equals(name))) {
      String region = clients.s3().serviceClientConfiguration().region().id();
      if (region.equals("us-east-1")) {
        clients.s3().createBucket(b -> b.bucket(name));
      } else {
        clients
            .s3()
            .createBucket(
                b -> b.bucket(name).createBucketConfiguration(c -> c.locationConstraint(region)));
      }
    }
  }

  /** Returns moto's endpoint, failing the test unless it is on the loopback address. */
  static URI endpoint(MotoServer moto) {
    URI endpoint = moto.endpoint();
    assertThat(endpoint).as("the endpoint of every client").isNotNull();
    assertThat(endpoint.getHost()).as("tests talk to 127.0.0.1 only").isEqualTo("127.0.0.1");
    return endpoint;
  }

  static Clients clients(MotoServer moto, String region) {
    return new Clients(region, endpoint(moto), CREDENTIALS, List.of());
  }

  /** Returns a runner's builder for moto: its endpoint, static credentials, short polls. */
  static Ec2Bench.Builder bench(MotoServer moto, String region, PrintStream log) {
    return Ec2Bench.builder()
        .region(region)
        .endpoint(endpoint(moto))
        .credentials(CREDENTIALS)
        .pollInterval(Duration.ofMillis(50))
        .terminationWait(Duration.ofSeconds(20))
        .log(log);
  }

  /** A print stream whose text a test can read; it is also copied to standard output. */
  static final class Log extends PrintStream {
    private final ByteArrayOutputStream bytes;

    Log() {
      this(new ByteArrayOutputStream());
    }

    private Log(ByteArrayOutputStream bytes) {
      super(new TeeOutputStream(bytes, System.out), true, StandardCharsets.UTF_8);
      this.bytes = bytes;
    }

    String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  private static final class TeeOutputStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeOutputStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] bytes, int off, int len) throws java.io.IOException {
      a.write(bytes, off, len);
      b.write(bytes, off, len);
    }

    @Override
    public void flush() throws java.io.IOException {
      a.flush();
      b.flush();
    }
  }

  /** Returns the instances of a run, by id, whatever their state. */
  static List<Instance> instances(Clients clients, String runId) {
    List<Instance> instances = new ArrayList<>();
    clients
        .ec2()
        .describeInstances(
            b -> b.filters(Filter.builder().name("tag:retriever:run").values(runId).build()))
        .reservations()
        .forEach(r -> instances.addAll(r.instances()));
    return instances;
  }

  /**
   * Returns everything moto holds that a run could create or change, as text: instances with their
   * states, security groups, VPCs, subnets, IAM roles and profiles, buckets and their keys.
   */
  static Map<String, String> everything(Clients clients) {
    Map<String, String> all = new TreeMap<>();
    clients
        .ec2()
        .describeInstances()
        .reservations()
        .forEach(
            r ->
                r.instances()
                    .forEach(i -> all.put("instance " + i.instanceId(), i.state().nameAsString())));
    clients
        .ec2()
        .describeSecurityGroups()
        .securityGroups()
        .forEach(
            g -> all.put("security group " + g.groupId(), g.groupName() + " " + g.ipPermissions()));
    clients.ec2().describeVpcs().vpcs().forEach(v -> all.put("vpc " + v.vpcId(), v.cidrBlock()));
    clients
        .ec2()
        .describeSubnets()
        .subnets()
        .forEach(s -> all.put("subnet " + s.subnetId(), s.availabilityZone()));
    clients.iam().listRoles().roles().forEach(r -> all.put("role " + r.roleName(), r.arn()));
    clients
        .iam()
        .listInstanceProfiles()
        .instanceProfiles()
        .forEach(p -> all.put("instance profile " + p.instanceProfileName(), p.arn()));
    clients
        .s3()
        .listBuckets()
        .buckets()
        .forEach(
            bucket ->
                clients
                    .s3()
                    .listObjectsV2(b -> b.bucket(bucket.name()))
                    .contents()
                    .forEach(o -> all.put("object " + bucket.name() + "/" + o.key(), o.eTag())));
    return all;
  }
}
