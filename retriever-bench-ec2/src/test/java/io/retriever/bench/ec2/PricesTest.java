package io.retriever.bench.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.retriever.bench.ec2.internal.Clients;
import io.retriever.bench.ec2.internal.PriceList;
import io.retriever.testkit.MotoServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Prices from the Price List API, the dated table as fallback. Moto has no Price List API: a small
 * HTTP server on 127.0.0.1 answers as the API does (a fake at the HTTP boundary); moto itself
 * stands in for an API that cannot answer.
 */
class PricesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Returns a GetProducts answer for one type at this price, its entry a string as the API's. */
  private static String answer(String type, String usd) throws Exception {
    String product =
        JSON.writeValueAsString(
            JSON.readTree(
                "{\"product\":{\"attributes\":{\"instanceType\":\""
                    + type
                    + "\"}},\"terms\":{\"OnDemand\":{\"SKU.JRTCKXETXF\":{\"priceDimensions\":"
                    + "{\"SKU.JRTCKXETXF.6YS6EN2CT7\":{\"unit\":\"Hrs\",\"pricePerUnit\":"
                    + "{\"USD\":\""
                    + usd
                    + "\"}}}}}}}"));
    return JSON.writeValueAsString(
        JSON.createObjectNode()
            .put("FormatVersion", "aws_v1")
            .set("PriceList", JSON.createArrayNode().add(product)));
  }

  @Test
  void price_comesFromTheApi_andFromTheTableOnceTheApiRefuses() throws Exception {
    List<JsonNode> requests = new CopyOnWriteArrayList<>();
    List<String> targets = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          targets.add(
              exchange.getRequestHeaders().getFirst("X-Amz-Target")
                  + " "
                  + exchange.getRequestHeaders().getFirst("Authorization"));
          requests.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
          byte[] body;
          int status;
          try {
            if (calls.incrementAndGet() == 1) {
              status = 200;
              body = answer("m5n.2xlarge", "0.5110000000").getBytes(StandardCharsets.UTF_8);
            } else {
              status = 400;
              body =
                  "{\"__type\":\"AccessDeniedException\",\"message\":\"not allowed\"}"
                      .getBytes(StandardCharsets.UTF_8);
            }
          } catch (Exception e) {
            throw new java.io.IOException(e);
          }
          exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
          exchange.sendResponseHeaders(status, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    try (Clients clients = new Clients("eu-west-1", endpoint, Moto.CREDENTIALS, List.of())) {
      PriceList prices =
          new PriceList(clients.http(), clients.credentials(), "eu-west-1", endpoint);
      PriceList.Price m5n = prices.price("m5n.2xlarge");
      assertThat(m5n.usdPerHour().getAsDouble()).isEqualTo(0.511);
      assertThat(m5n.source()).isEqualTo("Price List API");
      assertThat(targets.get(0))
          .startsWith("AWSPriceListService.GetProducts AWS4-HMAC-SHA256 Credential=a/")
          .contains("/us-east-1/pricing/aws4_request");
      assertThat(requests.get(0).toString())
          .contains("\"ServiceCode\":\"AmazonEC2\"")
          .contains(
              "{\"Type\":\"TERM_MATCH\",\"Field\":\"instanceType\",\"Value\":\"m5n.2xlarge\"}")
          .contains("{\"Type\":\"TERM_MATCH\",\"Field\":\"regionCode\",\"Value\":\"eu-west-1\"}");

      PriceList.Price c6in = prices.price("c6in.2xlarge");
      assertThat(c6in.usdPerHour().getAsDouble()).isEqualTo(0.4536);
      assertThat(c6in.source()).isEqualTo("table of 2024-06-01 (us-east-1)");
      assertThat(prices.unavailable()).startsWith("AccessDeniedException: not allowed");
      // Once refused, the API is not asked again for each type.
      prices.price("c6in.4xlarge");
      assertThat(calls).hasValue(2);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void price_withoutAnApi_comesFromTheTable() throws Exception {
    MotoServer moto = Moto.shared();
    try (Clients clients = Moto.clients(moto, "us-east-1")) {
      PriceList unreachable =
          new PriceList(clients.http(), clients.credentials(), "us-east-1", Moto.endpoint(moto));
      assertThat(unreachable.price("m5n.2xlarge").source()).startsWith("table of ");
      assertThat(unreachable.unavailable()).isNotNull();
    }
    try (Clients clients = new Clients("us-gov-west-1", null, Moto.CREDENTIALS, List.of())) {
      PriceList gov = new PriceList(clients.http(), clients.credentials(), "us-gov-west-1", null);
      assertThat(gov.unavailable()).isEqualTo("the aws-us-gov partition has no Price List API");
      assertThat(gov.price("no.such-type").usdPerHour()).isEmpty();
      assertThat(gov.price("no.such-type").source()).isEqualTo("none");
    }
  }
}
