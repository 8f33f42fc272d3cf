package io.retriever.internal.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retriever.RetrieverException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BudgetTest {
  /** How long a test waits for another thread before it fails. */
  private static final long WAIT_SECONDS = 30;

  private final ExecutorService acquirer = Executors.newSingleThreadExecutor();

  @AfterEach
  void stopAcquirer() throws InterruptedException {
    acquirer.shutdownNow();
    assertThat(acquirer.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
  }

  /** Waits, bounded, until {@code count} acquirers wait on the budget. */
  private static void awaitWaiting(Budget budget, int count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (budget.waiting() != count) {
      assertThat(System.nanoTime()).as("%s acquirers waiting", count).isLessThan(deadline);
      Thread.yield();
    }
  }

  private static RetrieverException failure() {
    return new RetrieverException(RetrieverException.Reason.CANCELLED, "download cancelled");
  }

  @Test
  void tryAcquire_twoAccounts_eachHoldsAtMostHalf() {
    Budget budget = new Budget(100);
    Budget.Account a = budget.open();
    Budget.Account b = budget.open();
    assertThat(a.tryAcquire(30)).isNotNull();
    assertThat(a.tryAcquire(20)).isNotNull();
    // The total has room for 50 more, but a holds its share.
    assertThat(a.tryAcquire(10)).isNull();
    assertThat(b.tryAcquire(50)).isNotNull();
    assertThat(budget.inUse()).isEqualTo(100);
    assertThat(a.inUse()).isEqualTo(50);
    assertThat(b.inUse()).isEqualTo(50);
  }

  @Test
  void tryAcquire_threeAccounts_eachHoldsAtMostAThirdUntilOneCloses() {
    Budget budget = new Budget(90);
    Budget.Account a = budget.open();
    Budget.Account b = budget.open();
    Budget.Account c = budget.open();
    assertThat(a.tryAcquire(20)).isNotNull();
    assertThat(a.tryAcquire(10)).isNotNull();
    assertThat(a.tryAcquire(1)).isNull();
    assertThat(b.tryAcquire(30)).isNotNull();
    assertThat(b.tryAcquire(1)).isNull();
    Budget.Lease cLease = c.tryAcquire(20);
    assertThat(cLease).isNotNull();
    assertThat(c.tryAcquire(15)).isNull();
    c.close(null);
    cLease.release();
    // Two accounts left: a's share is 45 now.
    assertThat(a.tryAcquire(15)).isNotNull();
    assertThat(a.tryAcquire(1)).isNull();
    assertThat(budget.openAccounts()).isEqualTo(2);
  }

  @Test
  void tryAcquire_idleAccount_takesOneLeaseLargerThanItsShare() {
    Budget budget = new Budget(100);
    Budget.Account a = budget.open();
    Budget.Account b = budget.open();
    assertThat(b.tryAcquire(80)).isNotNull();
    assertThat(b.tryAcquire(1)).isNull();
    // a holds nothing: it gets a lease whenever the total allows, however little is left.
    assertThat(a.tryAcquire(20)).isNotNull();
    assertThat(a.tryAcquire(1)).isNull();
  }

  @Test
  void tryAcquire_idleAccount_stillBoundByTheTotal() {
    Budget budget = new Budget(100);
    Budget.Account a = budget.open();
    Budget.Account b = budget.open();
    assertThat(a.tryAcquire(90)).isNotNull();
    assertThat(b.tryAcquire(11)).isNull();
    assertThat(b.tryAcquire(10)).isNotNull();
  }

  @Test
  void acquire_moreThanTheCapacity_throwsSayingWhatToDo() {
    Budget.Account a = new Budget(100).open();
    assertThatThrownBy(() -> a.acquire(101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("101 bytes")
        .hasMessageContaining("maxInFlightBytes");
  }

  @Test
  void acquire_budgetFull_wakesWhenAnotherThreadReleases() throws Exception {
    Budget budget = new Budget(100);
    Budget.Account a = budget.open();
    Budget.Account b = budget.open();
    Budget.Lease full = a.acquire(100);
    Future<Budget.Lease> waiter = acquirer.submit(() -> b.acquire(40));
    awaitWaiting(budget, 1);
    assertThat(waiter.isDone()).isFalse();

    ExecutorService releaser = Executors.newSingleThreadExecutor();
    try {
      releaser.submit(full::release).get(WAIT_SECONDS, TimeUnit.SECONDS);
    } finally {
      releaser.shutdownNow();
    }

    Budget.Lease lease = waiter.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(lease.bytes()).isEqualTo(40);
    assertThat(budget.inUse()).isEqualTo(40);
    assertThat(budget.waiting()).isZero();
  }

  @Test
  void acquire_aboveItsShare_waitsUntilItsOwnLeasesDrain() throws Exception {
    Budget budget = new Budget(100);
    Budget.Account a = budget.open();
    Budget.Lease first = a.acquire(40);
    Budget.Lease second = a.acquire(40);
    Budget.Account b = budget.open();
    // a holds 80 of a share of 50; b's lease takes the rest.
    assertThat(b.acquire(20).bytes()).isEqualTo(20);
    Future<Budget.Lease> waiter = acquirer.submit(() -> a.acquire(10));
    awaitWaiting(budget, 1);
    first.release();
    // a holds 40 now: 40 + 10 fits its share of 50 and the total.
    assertThat(waiter.get(WAIT_SECONDS, TimeUnit.SECONDS).bytes()).isEqualTo(10);
    assertThat(a.inUse()).isEqualTo(50);
    second.release();
  }

  @Test
  void close_waitingAcquirer_wakesWithTheFailure() throws Exception {
    Budget budget = new Budget(100);
    Budget.Account a = budget.open();
    a.acquire(100);
    Future<Budget.Lease> waiter = acquirer.submit(() -> a.acquire(10));
    awaitWaiting(budget, 1);
    RetrieverException failure = failure();

    a.close(failure);

    assertThatThrownBy(() -> waiter.get(WAIT_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isSameAs(failure);
    assertThatThrownBy(() -> a.acquire(1)).isSameAs(failure);
    assertThatThrownBy(() -> a.tryAcquire(1)).isSameAs(failure);
  }

  @Test
  void close_withoutFailure_laterAcquireThrowsNamingTheAccount() {
    Budget.Account a = new Budget(100).open();
    a.close(null);
    assertThatThrownBy(() -> a.acquire(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("budget account");
  }

  @Test
  void close_leasesStillOut_keepCountingUntilReleased() throws Exception {
    Budget budget = new Budget(100);
    Budget.Account holder = budget.open();
    Budget.Account a = budget.open();
    Budget.Lease full = holder.acquire(100);
    Future<Budget.Lease> waiter = acquirer.submit(() -> a.acquire(10));
    awaitWaiting(budget, 1);

    holder.close(failure());

    // The holder's lease still counts until released, so a's acquirer keeps waiting.
    assertThatThrownBy(() -> waiter.get(50, TimeUnit.MILLISECONDS))
        .isInstanceOf(TimeoutException.class);
    assertThat(budget.inUse()).isEqualTo(100);
    full.release();
    assertThat(waiter.get(WAIT_SECONDS, TimeUnit.SECONDS).bytes()).isEqualTo(10);
  }

  @Test
  void close_stopsCountingForTheShare() {
    Budget budget = new Budget(100);
    Budget.Account a = budget.open();
    Budget.Account b = budget.open();
    assertThat(a.tryAcquire(50)).isNotNull();
    assertThat(a.tryAcquire(10)).isNull();
    b.close(null);
    assertThat(a.tryAcquire(50)).isNotNull();
  }

  @Test
  void release_twice_throwsNamingTheLease() throws Exception {
    Budget budget = new Budget(100);
    Budget.Lease lease = budget.open().acquire(10);
    lease.release();
    assertThatThrownBy(lease::release)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("lease of 10 bytes")
        .hasMessageContaining("released twice");
    assertThat(budget.inUse()).isZero();
  }

  @Test
  void peak_perAccount_isTheMostThatAccountHeldAtOnce() throws Exception {
    Budget budget = new Budget(100);
    Budget.Account a = budget.open();
    Budget.Account b = budget.open();
    Budget.Lease a1 = a.acquire(30);
    Budget.Lease a2 = a.acquire(20);
    a1.release();
    a2.release();
    Budget.Lease b1 = b.acquire(10);
    a.acquire(5);
    assertThat(a.peak()).isEqualTo(50);
    assertThat(b.peak()).isEqualTo(10);
    assertThat(a.inUse()).isEqualTo(5);
    assertThat(budget.peak()).isEqualTo(50);
    b1.release();
    assertThat(b.inUse()).isZero();
  }

  @Test
  void acquire_interruptedWhileWaiting_throwsAndTakesNothing() throws Exception {
    Budget budget = new Budget(100);
    Budget.Account a = budget.open();
    a.acquire(100);
    Future<Budget.Lease> waiter = acquirer.submit(() -> a.acquire(10));
    awaitWaiting(budget, 1);

    waiter.cancel(true);

    // The pool's thread is free again only once the interrupted acquire has returned.
    acquirer.submit(() -> {}).get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(budget.waiting()).isZero();
    assertThat(budget.inUse()).isEqualTo(100);
    assertThat(a.inUse()).isEqualTo(100);
  }

  @Test
  void acquire_interruptedBeforeWaiting_throwsInterruptedException() throws Exception {
    Budget.Account a = new Budget(100).open();
    a.acquire(100);
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> a.acquire(10)).isInstanceOf(InterruptedException.class);
    } finally {
      Thread.interrupted();
    }
  }
}
