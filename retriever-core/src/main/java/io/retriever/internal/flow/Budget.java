package io.retriever.internal.flow;

import io.retriever.RetrieverException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/*
 * Concurrency: one lock guards the whole budget (the total, every account's count and state), and
 * one condition per account lets a release wake every waiting acquirer while close wakes only its
 * own. There is at most one waiter per account (its chunker), so a release wakes at most as many
 * threads as there are downloads, and each re-checks its own rule under the lock.
 *
 * Fairness: a download may hold at most capacity / open accounts, except that an account holding
 * nothing may always take one lease the total allows. The exception keeps every download moving
 * (a share smaller than a chunk would otherwise starve it) and lets a lease be larger than the
 * share. An account above its share after others opened waits until its own leases drain; the
 * bytes they free go to the accounts below theirs.
 *
 * Memory: every buffered byte of the Retriever's downloads is covered by a lease, so inUse() never
 * exceeds capacity().
 */
/**
 * Bounds the bytes all the downloads of one Retriever hold in buffers, shared fairly among them.
 * Each download opens an {@link Account}; its chunker acquires a {@link Lease} for every chunk in
 * order, and whoever is done with the chunk releases the lease, exactly once.
 *
 * <p>Concurrency: thread-safe. One thread acquires per account, in order; any thread releases.
 * Waits are interruptible and never spin.
 */
public final class Budget {
  /** The most bytes held at once, by all accounts together. */
  private final long capacity;

  /** Guards every field of the budget and of its accounts. */
  private final ReentrantLock lock = new ReentrantLock();

  /** Bytes held by all accounts. Guarded by {@code lock}. */
  private long inUse;

  /** The largest {@code inUse} seen. Guarded by {@code lock}. */
  private long peak;

  /** Accounts opened and not closed: the fair share's divisor. Guarded by {@code lock}. */
  private final Set<Account> members = new LinkedHashSet<>();

  /** Acquirers waiting now. Guarded by {@code lock}. */
  private int waiting;

  /** Accounts opened so far, to number them. Guarded by {@code lock}. */
  private long opened;

  /** Creates a budget of {@code capacity} bytes. */
  public Budget(long capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException(
          "the in-flight byte budget must be positive, was " + capacity);
    }
    this.capacity = capacity;
  }

  /** Opens an account for one download; it counts for the fair share until closed. */
  public Account open() {
    lock.lock();
    try {
      Account account = new Account(++opened);
      members.add(account);
      return account;
    } finally {
      lock.unlock();
    }
  }

  /** Returns the budget's size in bytes. */
  public long capacity() {
    return capacity;
  }

  /** Returns the bytes held now by all accounts. */
  public long inUse() {
    lock.lock();
    try {
      return inUse;
    } finally {
      lock.unlock();
    }
  }

  /** Returns the most bytes held at once so far by all accounts. */
  public long peak() {
    lock.lock();
    try {
      return peak;
    } finally {
      lock.unlock();
    }
  }

  /** Returns how many acquirers are waiting now. */
  public int waiting() {
    lock.lock();
    try {
      return waiting;
    } finally {
      lock.unlock();
    }
  }

  /** Returns how many accounts are open now. */
  public int openAccounts() {
    lock.lock();
    try {
      return members.size();
    } finally {
      lock.unlock();
    }
  }

  /** Wakes every open account's waiter to re-check its rule. Called holding {@code lock}. */
  private void wakeAll() {
    for (Account account : members) {
      account.changed.signal();
    }
  }

  /**
   * One download's part of the budget.
   *
   * <p>Concurrency: one thread acquires (the download's chunker), in order; {@link #close} may come
   * from any thread, and wakes that acquirer.
   */
  public final class Account {
    /** The account's number in this budget, for messages. */
    private final long id;

    /** Signalled when this account's acquirer may go on, or must fail. */
    private final Condition changed = lock.newCondition();

    /** Bytes this account holds. Guarded by {@code lock}. */
    private long held;

    /** The largest {@code held} seen. Guarded by {@code lock}. */
    private long accountPeak;

    /** Whether {@link #close} was called. Guarded by {@code lock}. */
    private boolean closed;

    /** The failure that closed the account, or null. Guarded by {@code lock}. */
    private RetrieverException failure;

    private Account(long id) {
      this.id = id;
    }

    /**
     * Waits until {@code bytes} fit both the budget and this account's fair share, then takes them.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative or larger than the budget
     * @throws RetrieverException the failure that closed the account
     * @throws IllegalStateException if the account was closed without a failure
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public Lease acquire(long bytes) throws InterruptedException {
      checkSize(bytes);
      lock.lockInterruptibly();
      try {
        if (!closed && !fits(bytes)) {
          waiting++;
          try {
            do {
              changed.await();
            } while (!closed && !fits(bytes));
          } finally {
            waiting--;
          }
        }
        checkOpen();
        return take(bytes);
      } finally {
        lock.unlock();
      }
    }

    /**
     * Takes {@code bytes} if they fit both the budget and this account's fair share now; returns
     * null if they do not.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative or larger than the budget
     * @throws RetrieverException the failure that closed the account
     * @throws IllegalStateException if the account was closed without a failure
     */
    public Lease tryAcquire(long bytes) {
      checkSize(bytes);
      lock.lock();
      try {
        checkOpen();
        return fits(bytes) ? take(bytes) : null;
      } finally {
        lock.unlock();
      }
    }

    private void checkSize(long bytes) {
      if (bytes < 0 || bytes > capacity) {
        throw new IllegalArgumentException(
            bytes
                + " bytes can never fit an in-flight byte budget of "
                + capacity
                + ": raise maxInFlightBytes or lower the chunk size");
      }
    }

    /** Throws what closed the account, if it is closed. Called holding {@code lock}. */
    private void checkOpen() {
      if (closed) {
        if (failure != null) {
          throw failure;
        }
        throw new IllegalStateException(this + " is closed");
      }
    }

    /** Counts {@code bytes} as held by this account. Called holding {@code lock}. */
    private Lease take(long bytes) {
      held += bytes;
      accountPeak = Math.max(accountPeak, held);
      inUse += bytes;
      peak = Math.max(peak, inUse);
      return new Lease(this, bytes);
    }

    /** Returns whether {@code bytes} may be taken now. Called holding {@code lock}. */
    private boolean fits(long bytes) {
      if (bytes == 0) {
        return true;
      }
      if (inUse + bytes > capacity) {
        return false;
      }
      // An account holding nothing always gets its one lease, so no download starves.
      return held == 0 || held + bytes <= capacity / Math.max(1, members.size());
    }

    /**
     * Closes the account: wakes its waiting acquirer with {@code failure}, fails later acquires
     * with it, and stops counting the account for the fair share. Leases still out keep counting
     * until released. With a null {@code failure} (the download ended well) later acquires throw
     * {@link IllegalStateException}. Only the first call counts.
     */
    public void close(RetrieverException failure) {
      lock.lock();
      try {
        if (closed) {
          return;
        }
        closed = true;
        this.failure = failure;
        members.remove(this);
        // The others' shares grew; this account's own waiter must learn it is closed.
        wakeAll();
        changed.signal();
      } finally {
        lock.unlock();
      }
    }

    /** Returns the bytes this account holds now. */
    public long inUse() {
      lock.lock();
      try {
        return held;
      } finally {
        lock.unlock();
      }
    }

    /** Returns the most bytes this account held at once so far. */
    public long peak() {
      lock.lock();
      try {
        return accountPeak;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public String toString() {
      return "budget account " + id;
    }
  }

  /**
   * Bytes taken from the budget for one chunk; they travel with it and go back exactly once.
   *
   * <p>Concurrency: {@link #release} may be called from any thread.
   */
  public final class Lease {
    /** The account the bytes were taken for. */
    private final Account account;

    /** How many bytes. */
    private final long bytes;

    /** Set by the first {@link #release}. */
    private final AtomicBoolean released = new AtomicBoolean();

    private Lease(Account account, long bytes) {
      this.account = account;
      this.bytes = bytes;
    }

    /** Returns how many bytes the lease holds. */
    public long bytes() {
      return bytes;
    }

    /**
     * Gives the bytes back and wakes the waiters of all accounts.
     *
     * @throws IllegalStateException if the lease was released already
     */
    public void release() {
      if (!released.compareAndSet(false, true)) {
        throw new IllegalStateException(this + " was released twice");
      }
      if (bytes == 0) {
        return;
      }
      lock.lock();
      try {
        account.held -= bytes;
        inUse -= bytes;
        wakeAll();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public String toString() {
      return "lease of " + bytes + " bytes from " + account;
    }
  }
}
