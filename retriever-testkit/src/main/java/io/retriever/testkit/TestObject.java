package io.retriever.testkit;

/**
 * An object that {@link LocalS3} generated: its key, its size and the SHA-256 of its bytes as
 * lower-case hex.
 */
public record TestObject(String bucket, String key, long size, String sha256) {}
