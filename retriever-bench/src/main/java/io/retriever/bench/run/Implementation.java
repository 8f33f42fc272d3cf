package io.retriever.bench.run;

import java.util.List;
import java.util.Map;

/**
 * One thing to benchmark: a command run in a process of its own, with placeholders ({@code
 * {endpoint}}, {@code {region}}, {@code {bucket}}, {@code {prefix}}, {@code {uri}}, {@code {dest}})
 * filled in for each run.
 *
 * @param name how results and charts name it
 * @param command the command and its arguments
 * @param shell run the command through {@code sh -c} (external command templates)
 * @param settings the swept settings this variant stands for, empty for none
 */
public record Implementation(
    String name, List<String> command, boolean shell, Map<String, String> settings) {

  /** Returns whether this is Retriever (the implementation the others are compared with). */
  public boolean isRetriever() {
    return name.startsWith("retriever");
  }
}
