/**
 * Hooks that take decisions or replace a stage: object and chunk interceptors, post-download hooks,
 * listers and sinks of the user's, and the download cache built on them.
 *
 * <p>All user code is called through one invoker: a hook that throws fails its object (or the
 * download, by {@link io.retriever.HookFailure}) with a {@link io.retriever.HookException} naming
 * the hook and the hook point; never the process, never silently.
 */
package io.retriever.hook;
