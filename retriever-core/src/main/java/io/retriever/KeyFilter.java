package io.retriever;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which listed keys a download takes, by glob: an optional wildcard pattern every key must match
 * (from an address like {@code s3://b/logs/2021-*}{@code /*.gz}), then {@code --include} and {@code
 * --exclude} rules as the AWS CLI applies them: every key is included unless a rule says otherwise,
 * and of the rules that match a key, the last one given decides.
 *
 * <p>Patterns match the key relative to the request's base, the part of its prefix up to the last
 * {@code /} (for {@code s3://b/data/2024-} the base is {@code data/}), which is also the path the
 * key gets below a destination directory. In a pattern, {@code *} matches any run of characters,
 * {@code /} included; {@code ?} matches one character; {@code [abc]} and {@code [a-z]} one of a set
 * ({@code [!abc]} one not in it). Every other character matches itself.
 *
 * <p>Immutable; each method returns a new filter.
 */
public final class KeyFilter {
  private static final KeyFilter ALL = new KeyFilter(null, List.of());

  private final Rule pattern;
  private final List<Rule> rules;

  private record Rule(boolean include, String glob, Pattern regex) {
    @Override
    public String toString() {
      return (include ? "include " : "exclude ") + glob;
    }
  }

  private KeyFilter(Rule pattern, List<Rule> rules) {
    this.pattern = pattern;
    this.rules = List.copyOf(rules);
  }

  /** Returns the filter that takes every key. */
  public static KeyFilter all() {
    return ALL;
  }

  /** Returns this filter with keys required to match {@code glob}. */
  public KeyFilter matching(String glob) {
    return new KeyFilter(new Rule(true, glob, compile(glob)), rules);
  }

  /** Returns this filter with a rule that includes the keys matching {@code glob}. */
  public KeyFilter include(String glob) {
    return withRule(new Rule(true, glob, compile(glob)));
  }

  /** Returns this filter with a rule that excludes the keys matching {@code glob}. */
  public KeyFilter exclude(String glob) {
    return withRule(new Rule(false, glob, compile(glob)));
  }

  private KeyFilter withRule(Rule rule) {
    List<Rule> more = new ArrayList<>(rules);
    more.add(rule);
    return new KeyFilter(pattern, more);
  }

  /** Returns whether this filter takes every key. */
  public boolean acceptsAll() {
    return pattern == null && rules.isEmpty();
  }

  /** Returns whether a key, relative to the request's base, is taken. */
  public boolean accepts(String relativeKey) {
    if (pattern != null && !pattern.regex.matcher(relativeKey).matches()) {
      return false;
    }
    boolean included = true;
    for (Rule rule : rules) {
      if (rule.regex.matcher(relativeKey).matches()) {
        included = rule.include;
      }
    }
    return included;
  }

  /** Returns whether {@code text} holds a wildcard character ({@code * ? [}). */
  public static boolean hasWildcard(String text) {
    return firstWildcard(text) >= 0;
  }

  /** Returns the index of the first wildcard character in {@code text}, or -1. */
  static int firstWildcard(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '*' || c == '?' || c == '[') {
        return i;
      }
    }
    return -1;
  }

  /**
   * Translates a glob to a regular expression.
   *
   * @throws RetrieverException if a {@code [} set is not closed
   */
  static Pattern compile(String glob) {
    Objects.requireNonNull(glob, "glob");
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        case '[' -> {
          int end = glob.indexOf(']', i + 2);
          if (end < 0) {
            throw new RetrieverException(
                RetrieverException.Reason.INVALID,
                "pattern '" + glob + "' opens a [set] it does not close; add ] or drop the [");
          }
          String set = glob.substring(i + 1, end);
          boolean negated = set.startsWith("!");
          regex.append(negated ? "[^" : "[");
          for (char s : (negated ? set.substring(1) : set).toCharArray()) {
            if ("\\^[]&".indexOf(s) >= 0) {
              regex.append('\\');
            }
            regex.append(s);
          }
          regex.append(']');
          i = end;
        }
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  @Override
  public String toString() {
    List<Object> parts = new ArrayList<>();
    if (pattern != null) {
      parts.add("matching " + pattern.glob);
    }
    parts.addAll(rules);
    return parts.isEmpty() ? "all keys" : parts.toString();
  }
}
