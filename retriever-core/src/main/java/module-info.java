/**
 * Retriever: fast, memory-bounded, hookable downloads from Amazon S3 and S3-compatible stores.
 * Exports the public API only; everything under {@code io.retriever.internal} stays inside.
 */
// The SDK's jars are automatic modules (they name themselves in their manifests): expected here.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.retriever {
  exports io.retriever;
  exports io.retriever.event;
  exports io.retriever.hook;

  // Types of these appear in the public API (Retriever.Builder.s3Client, .credentials).
  requires transitive software.amazon.awssdk.services.s3;
  requires transitive software.amazon.awssdk.auth;
  requires transitive software.amazon.awssdk.identity.spi;
  requires software.amazon.awssdk.awscore;
  requires software.amazon.awssdk.core;
  requires software.amazon.awssdk.http;
  requires software.amazon.awssdk.regions;
  requires software.amazon.awssdk.http.apache;
  requires software.amazon.awssdk.http.auth.aws;
  requires software.amazon.awssdk.http.auth.spi;
  requires software.amazon.awssdk.endpoints;
  requires software.amazon.awssdk.utils;
  requires org.slf4j;
}
