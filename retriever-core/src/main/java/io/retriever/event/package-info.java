/**
 * The events a {@link io.retriever.DownloadListener} receives, one immutable record per hook point.
 * New fields are appended to a record, never reordered.
 */
package io.retriever.event;
