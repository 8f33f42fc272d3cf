package io.retriever.internal;

import io.retriever.DownloadListener;
import io.retriever.HookFailure;
import io.retriever.hook.ChunkInterceptor;
import io.retriever.hook.ChunkPlanner;
import io.retriever.hook.DownloadCache;
import io.retriever.hook.DownloadSink;
import io.retriever.hook.ObjectInterceptor;
import io.retriever.hook.ObjectLister;
import io.retriever.hook.PostDownloadHook;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Everything a {@code Retriever} was built with, validated.
 *
 * @param concurrency downloader workers, and so the most GETs in flight at once
 * @param chunkSize bytes per ranged GET
 * @param maxInFlightBytes the in-flight byte budget
 * @param maxAttempts attempts per chunk before it fails (1 means no retry)
 * @param progressInterval how often listeners get a progress snapshot
 * @param listeners listeners, in the order they were added
 * @param endpoint a custom endpoint, or {@code null} for the SDK's resolution
 * @param region a region, or {@code null} for the SDK's resolution
 * @param credentials credentials, or {@code null} for the default chain
 * @param anonymous send unsigned requests (public buckets)
 * @param pathStyle address buckets in the path rather than the host name
 * @param client a caller's client, used as it is and never closed, or {@code null}
 * @param maxBytesPerSecond the most bytes per second a download reads, 0 for no cap
 * @param targetBytesPerSecond the throughput the concurrency is tuned toward, 0 for a fixed
 *     concurrency
 * @param objectInterceptors object interceptors, in the order they were added
 * @param chunkInterceptors chunk interceptors, in the order they were added
 * @param postDownloadHooks post-download hooks, in the order they were added
 * @param postDownloadThreads threads that run post-download hooks
 * @param hookFailure what a throwing hook fails
 * @param lister the user's lister, or {@code null} for ListObjectsV2 and HEAD
 * @param sink the user's sink for {@code Retriever.download}, or {@code null}
 * @param cache the download cache, whose interceptor and post-download hook run after the others,
 *     or {@code null}
 * @param stallTimeout how long a read may wait for a byte before the request counts as stalled
 * @param maxRetriesPerDownload retries allowed in one download, all chunks together
 * @param verify check downloaded bytes against the checksums S3 offers
 * @param chunkPlanner how objects are cut into ranged GETs of at most {@code chunkSize} bytes
 * @param maxOutage how long a chunk or listing page may go without progress through an outage of a
 *     store that has answered before; zero fails at the first failure that outlasts the attempts
 */
public record Settings(
    int concurrency,
    int chunkSize,
    long maxInFlightBytes,
    int maxAttempts,
    Duration progressInterval,
    List<DownloadListener> listeners,
    URI endpoint,
    String region,
    AwsCredentialsProvider credentials,
    boolean anonymous,
    boolean pathStyle,
    S3Client client,
    long maxBytesPerSecond,
    double targetBytesPerSecond,
    List<ObjectInterceptor> objectInterceptors,
    List<ChunkInterceptor> chunkInterceptors,
    List<PostDownloadHook> postDownloadHooks,
    int postDownloadThreads,
    HookFailure hookFailure,
    ObjectLister lister,
    DownloadSink sink,
    DownloadCache cache,
    Duration stallTimeout,
    int maxRetriesPerDownload,
    boolean verify,
    ChunkPlanner chunkPlanner,
    Duration maxOutage) {}
