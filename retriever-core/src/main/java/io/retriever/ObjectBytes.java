package io.retriever;

/**
 * A whole object downloaded into memory.
 *
 * @param object the object
 * @param bytes its content; the array belongs to the caller
 */
public record ObjectBytes(ObjectInfo object, byte[] bytes) {}
