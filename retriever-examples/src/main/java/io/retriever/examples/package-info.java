/**
 * One short example per kind of hook. Each takes a configured {@code Retriever.Builder} (endpoint,
 * region, credentials) and runs one download; {@code ExamplesTest} runs every one against LocalS3.
 */
package io.retriever.examples;
