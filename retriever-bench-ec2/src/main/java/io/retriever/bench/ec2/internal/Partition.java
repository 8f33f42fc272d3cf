package io.retriever.bench.ec2.internal;

import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;

/**
 * The AWS partition of a region (aws, aws-cn, aws-us-gov, ...) and what differs between partitions:
 * ARNs, DNS names, IAM's global endpoint and EC2's service principal.
 *
 * @param id the partition's id, as in ARNs
 * @param dnsSuffix the domain of its endpoints, e.g. {@code amazonaws.com.cn}
 */
public record Partition(String id, String dnsSuffix) {

  /** Returns the partition of a region; a region no partition claims is taken as in {@code aws}. */
  public static Partition of(String region) {
    PartitionMetadata metadata = PartitionMetadata.of(Region.of(region));
    return new Partition(metadata.id(), metadata.dnsSuffix());
  }

  /** Returns the region of the partition's IAM endpoint: IAM is global within a partition. */
  public Region iamRegion() {
    return switch (id) {
      case "aws" -> Region.AWS_GLOBAL;
      case "aws-cn" -> Region.AWS_CN_GLOBAL;
      case "aws-us-gov" -> Region.AWS_US_GOV_GLOBAL;
      case "aws-iso" -> Region.AWS_ISO_GLOBAL;
      case "aws-iso-b" -> Region.AWS_ISO_B_GLOBAL;
      default -> Region.AWS_GLOBAL;
    };
  }

  /** Returns the principal that lets EC2 instances assume a role in this partition. */
  public String ec2Principal() {
    // China's partition names the service by its own domain; the others by amazonaws.com.
    return id.equals("aws-cn") ? "ec2.amazonaws.com.cn" : "ec2.amazonaws.com";
  }

  /** Returns the ARN of an S3 bucket, or of keys in it when {@code key} is not null. */
  public String s3Arn(String bucket, String key) {
    return "arn:" + id + ":s3:::" + bucket + (key == null ? "" : "/" + key);
  }

  /** Returns the ARN of an IAM resource, e.g. {@code role/path/name}. */
  public String iamArn(String account, String resource) {
    return "arn:" + id + ":iam::" + account + ":" + resource;
  }

  /**
   * Returns the host name S3 has in a region of this partition, as KMS's kms:ViaService sees it.
   */
  public String s3Service(String region) {
    return "s3." + region + "." + dnsSuffix;
  }

  /** Returns the endpoint of a regional service of this partition, e.g. {@code servicequotas}. */
  public String endpoint(String service, String region) {
    return "https://" + service + "." + region + "." + dnsSuffix;
  }
}
