package io.retriever.bench.ec2;

import java.util.Locale;

/**
 * Where an instance's downloads land, chosen so that the benchmark measures the network rather than
 * a disk: the type's own NVMe instance storage when it has enough, else an EBS volume sized and
 * provisioned for the data, or memory (a tmpfs) when asked.
 *
 * @param kind which of the three
 * @param sizeGib the space, in GiB (instance storage: in GB, as EC2 states it)
 * @param disks how many instance storage disks are striped together (one for the others)
 * @param throughputMibps the EBS volume's provisioned throughput, 0 for the others
 * @param iops the EBS volume's provisioned IOPS, 0 for the others
 */
public record Storage(Kind kind, int sizeGib, int disks, int throughputMibps, int iops) {
  /** The largest throughput and IOPS of a gp3 volume, and its IOPS per GiB. */
  static final int GP3_MAX_MIBPS = 1000;

  static final int GP3_MAX_IOPS = 16_000;
  static final int GP3_BASE_IOPS = 3000;
  static final int GP3_IOPS_PER_GIB = 500;

  /** Where downloads land. */
  public enum Kind {
    INSTANCE_STORE,
    EBS,
    MEMORY
  }

  /** Returns the device name of the EBS volume in the launch's block device mappings. */
  public static final String EBS_DEVICE = "/dev/sdf";

  /** Returns the directory the instance mounts the storage at and downloads below. */
  public static final String MOUNT = "/mnt/retriever";

  /**
   * Returns the gp3 volume for {@code bytes} of data on a NIC of {@code nicGbps}: room for the data
   * and a margin, and as much throughput as the NIC could deliver, up to what gp3 and the type's
   * EBS bandwidth allow.
   *
   * @param ebsMaxMibps the type's largest EBS throughput, or 0 when unknown
   */
  public static Storage ebs(long bytes, double nicGbps, double ebsMaxMibps) {
    int size = (int) Math.max(8, Math.ceil(bytes * 1.2 / (1L << 30)) + 2);
    double wanted = nicGbps <= 0 ? GP3_MAX_MIBPS : nicGbps * 1e9 / 8 / (1 << 20);
    if (ebsMaxMibps > 0) {
      wanted = Math.min(wanted, ebsMaxMibps);
    }
    int throughput = (int) Math.max(125, Math.min(GP3_MAX_MIBPS, Math.ceil(wanted)));
    // gp3 gives at most 0.25 MiB/s per provisioned IOPS, and at most 500 IOPS per GiB.
    int iops = Math.min(GP3_MAX_IOPS, Math.max(GP3_BASE_IOPS, throughput * 4));
    size = Math.max(size, (iops + GP3_IOPS_PER_GIB - 1) / GP3_IOPS_PER_GIB);
    return new Storage(Kind.EBS, size, 1, throughput, iops);
  }

  /** Returns a tmpfs that holds {@code bytes} of data with a margin. */
  public static Storage memory(long bytes) {
    return new Storage(Kind.MEMORY, (int) Math.ceil(bytes * 1.1 / (1L << 30)) + 1, 1, 0, 0);
  }

  /** Returns the throughput the storage takes in Gbit/s, or 0 when it is not the limit to fear. */
  public double gbps() {
    return kind == Kind.EBS ? throughputMibps * (double) (1 << 20) * 8 / 1e9 : 0;
  }

  /** Returns what it is, for a person. */
  public String describe() {
    return switch (kind) {
      case INSTANCE_STORE ->
          String.format(
              Locale.ROOT,
              "instance storage (%s%d GB NVMe)",
              disks > 1 ? disks + " disks striped, " : "",
              sizeGib);
      case EBS ->
          String.format(
              Locale.ROOT,
              "EBS gp3 %d GiB, %d MiB/s, %d IOPS (deleted with the instance)",
              sizeGib,
              throughputMibps,
              iops);
      case MEMORY -> String.format(Locale.ROOT, "memory (tmpfs of %d GiB)", sizeGib);
    };
  }
}
