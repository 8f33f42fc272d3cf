package io.retriever.internal.sink;

import io.retriever.DownloadListener;
import io.retriever.DownloadSummary;
import io.retriever.DownloadedFile;
import io.retriever.event.DownloadFailed;
import io.retriever.event.ObjectCompleted;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/*
 * Flow: the file sink hands each file it renamed into place to completed(); the pipeline then runs
 * the post-download hooks and tells the listeners, this one last, so that objectCompleted here
 * means every check and hook passed: the file moves from pending to the queue. A file a hook failed
 * is revoked and leaves pending. The end of the download (downloadCompleted or downloadFailed, told
 * after every stage thread stopped) ends the iteration.
 *
 * Memory: pending holds only files between their rename and their objectCompleted (bounded by the
 * workers and the post-download queue); the queue holds at most `capacity` files. Nothing is kept
 * per object beyond that.
 *
 * Concurrency: completed, revoked and objectCompleted run on downloader workers and post-download
 * threads, many at once; take on the iterating thread. One lock guards the queue and the flags.
 */
/**
 * The finished files of a download that is iterated: a bounded queue between the threads that
 * finish files and the user's iteration, holding the download back while it is full.
 */
final class FinishedFiles implements DownloadListener {
  /** Files renamed into place whose hooks and listeners have not all passed yet, by final path. */
  private final Map<Path, DownloadedFile> pending = new ConcurrentHashMap<>();

  /** How many finished files at most wait for the iteration. */
  private final int capacity;

  private final ReentrantLock lock = new ReentrantLock();

  /** Signalled when a file is queued or the download ends. */
  private final Condition notEmpty = lock.newCondition();

  /** Signalled when a file is taken or the queue is released. */
  private final Condition notFull = lock.newCondition();

  /** Finished files not yet taken; guarded by {@link #lock}. */
  private final ArrayDeque<DownloadedFile> queue = new ArrayDeque<>();

  /** Whether the download has ended; guarded by {@link #lock}. */
  private boolean ended;

  /** Whether nobody iterates any more, so finishing threads must not wait; guarded by lock. */
  private boolean released;

  /** Files finished after the release and not queued; guarded by {@link #lock}. */
  private long dropped;

  FinishedFiles(int capacity) {
    this.capacity = capacity;
  }

  /** Records a file renamed into place; it is queued once its hooks and listeners passed. */
  void completed(DownloadedFile file) {
    pending.put(file.path(), file);
  }

  /** Forgets a file a post-download hook or listener failed. */
  void revoked(Path path) {
    pending.remove(path);
  }

  /** Queues the file, waiting while the queue is full and somebody iterates. */
  @Override
  public void objectCompleted(ObjectCompleted event) {
    DownloadedFile file = event.file() == null ? null : pending.remove(event.file());
    if (file == null) {
      return;
    }
    if (event.unverified() != null) {
      file = new DownloadedFile(file.object(), file.path(), file.bytes(), event.unverified());
    }
    lock.lock();
    try {
      while (queue.size() >= capacity && !released) {
        notFull.await();
      }
      if (queue.size() >= capacity) {
        dropped++;
        return;
      }
      queue.add(file);
      notEmpty.signal();
    } catch (InterruptedException e) {
      // The download is being cancelled or failed; its failure ends the iteration.
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void downloadCompleted(DownloadSummary summary) {
    end();
  }

  @Override
  public void downloadFailed(DownloadFailed event) {
    end();
  }

  private void end() {
    lock.lock();
    try {
      ended = true;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Stops holding the download back: nobody iterates any more. */
  void release() {
    lock.lock();
    try {
      released = true;
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the next finished file, waiting for one, or null when the download has ended and every
   * queued file was taken.
   */
  DownloadedFile take() throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty() && !ended) {
        notEmpty.await();
      }
      DownloadedFile file = queue.poll();
      if (file != null) {
        notFull.signal();
      }
      return file;
    } finally {
      lock.unlock();
    }
  }

  /** Returns how many finished files were not queued because the queue had been released. */
  long dropped() {
    lock.lock();
    try {
      return dropped;
    } finally {
      lock.unlock();
    }
  }
}
