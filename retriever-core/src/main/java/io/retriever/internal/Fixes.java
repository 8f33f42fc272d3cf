package io.retriever.internal;

import io.retriever.Setting;

/** Shorthands for the names by which library error messages tell their caller what to change. */
public final class Fixes {
  private Fixes() {}

  /** The endpoint setting. */
  public static final String ENDPOINT = Setting.ENDPOINT.apiName();

  /** The region setting. */
  public static final String REGION = Setting.REGION.apiName();

  /** The credentials setting. */
  public static final String CREDENTIALS = Setting.CREDENTIALS.apiName();

  /** Unsigned requests, for public buckets. */
  public static final String ANONYMOUS = Setting.ANONYMOUS.apiName();

  /** Verification turned off. */
  public static final String NO_VERIFY = Setting.NO_VERIFY.apiName();

  /** Replacing existing files. */
  public static final String OVERWRITE = Setting.OVERWRITE.apiName();

  /** Starting over instead of resuming. */
  public static final String NO_RESUME = Setting.NO_RESUME.apiName();

  /** How long an outage is ridden through. */
  public static final String MAX_OUTAGE = Setting.MAX_OUTAGE.apiName();
}
