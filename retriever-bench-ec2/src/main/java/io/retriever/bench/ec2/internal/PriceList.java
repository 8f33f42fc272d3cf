package io.retriever.bench.ec2.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.OptionalDouble;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * On-Demand prices per hour from the AWS Price List API ({@code GetProducts}: Linux, shared
 * tenancy, no pre-installed software), falling back to the module's dated {@link Prices} table for
 * a type the API does not price, or for every type once the API could not be reached or refused.
 *
 * <p>Thread safety: confined to one thread.
 */
public final class PriceList {
  /** Where the API is: one endpoint per partition that has it. */
  private static final Map<String, String> API_REGION =
      Map.of("aws", "us-east-1", "aws-cn", "cn-northwest-1");

  /** Where a price came from, for the plan. */
  public static final String FROM_API = "Price List API";

  private final AwsJson api;
  private final String region;
  private String unavailable;

  /** A price, and where it comes from. */
  public record Price(OptionalDouble usdPerHour, String source) {}

  /**
   * @param endpoint the API's endpoint, or null for AWS's own in the region's partition
   */
  public PriceList(
      SdkHttpClient http, AwsCredentialsProvider credentials, String region, URI endpoint) {
    this.region = region;
    Partition partition = Partition.of(region);
    String apiRegion = API_REGION.get(partition.id());
    if (apiRegion == null) {
      this.api = null;
      this.unavailable = "the " + partition.id() + " partition has no Price List API";
    } else {
      URI uri =
          endpoint != null
              ? endpoint
              : URI.create("https://api.pricing." + apiRegion + "." + partition.dnsSuffix());
      this.api = new AwsJson(http, credentials, uri, "pricing", apiRegion, "AWSPriceListService");
    }
  }

  /** Returns why the API gave no prices, or null while it answers. */
  public String unavailable() {
    return unavailable;
  }

  /** Returns the price of a type in the region: the API's when it has one, else the table's. */
  public Price price(String instanceType) {
    if (unavailable == null) {
      try {
        OptionalDouble usd = fromApi(instanceType);
        if (usd.isPresent()) {
          return new Price(usd, FROM_API);
        }
      } catch (AwsJson.CallFailed | UncheckedIOException | SdkException e) {
        unavailable = e.getMessage();
      }
    }
    OptionalDouble table = Prices.usdPerHour(instanceType);
    return new Price(
        table, table.isPresent() ? "table of " + Prices.DATE + " (" + Prices.REGION + ")" : "none");
  }

  private OptionalDouble fromApi(String instanceType) {
    ObjectNode request = AwsJson.object().put("ServiceCode", "AmazonEC2");
    ArrayNode filters = request.putArray("Filters");
    for (String[] f :
        new String[][] {
          {"instanceType", instanceType},
          {"regionCode", region},
          {"operatingSystem", "Linux"},
          {"tenancy", "Shared"},
          {"preInstalledSw", "NA"},
          {"capacitystatus", "Used"},
          {"licenseModel", "No License required"}
        }) {
      filters.addObject().put("Type", "TERM_MATCH").put("Field", f[0]).put("Value", f[1]);
    }
    request.put("FormatVersion", "aws_v1").put("MaxResults", 10);
    JsonNode answer = api.call("GetProducts", request);
    double highest = -1;
    // Each entry is a JSON document in a string; the filters leave one, but take the highest
    // price if more match: the plan states a ceiling.
    for (JsonNode entry : answer.path("PriceList")) {
      JsonNode product = entry.isTextual() ? AwsJson.parse(entry.asText()) : entry;
      for (JsonNode term : product.path("terms").path("OnDemand")) {
        for (JsonNode dimension : term.path("priceDimensions")) {
          JsonNode usd = dimension.path("pricePerUnit").path("USD");
          if (usd.isTextual() && "Hrs".equals(dimension.path("unit").asText())) {
            highest = Math.max(highest, Double.parseDouble(usd.asText()));
          }
        }
      }
    }
    return highest > 0 ? OptionalDouble.of(highest) : OptionalDouble.empty();
  }
}
