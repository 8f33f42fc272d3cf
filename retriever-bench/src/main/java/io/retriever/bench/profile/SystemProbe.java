package io.retriever.bench.profile;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.HWDiskStore;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Reads system and process figures through OSHI: CPU (of the process with its descendants, of the
 * system, per core), free memory, the RSS and threads of the process tree, network and disk rates;
 * and, when the process is this JVM, its heap and direct memory. Rates are measured between two
 * calls of {@link #sample}.
 *
 * <p>Concurrency: not thread-safe; one sampler thread calls it.
 */
public final class SystemProbe {
  private static final double MIB = 1024.0 * 1024;
  private static final double GIB = MIB * 1024;

  private final int pid;
  private final boolean self;
  private final CentralProcessor cpu;
  private final OperatingSystem os;
  private final List<NetworkIF> networks;
  private final List<HWDiskStore> disks;
  private long[] systemTicks;

  /** The last system CPU load read, in percent. */
  private double systemLoad;

  /** The last per-core CPU loads read, in percent. */
  private List<Double> coreLoads = List.of();

  private long[][] coreTicks;

  /** CPU time of the probed process tree at the last sample. */
  private long lastCpuMillis;

  private long lastNanos;
  private long lastRx;
  private long lastTx;
  private long lastRead;
  private long lastWrite;
  private long lastOps;
  private final oshi.hardware.GlobalMemory memory;

  /** Probes the process {@code pid} (and the whole system). */
  public SystemProbe(long pid) {
    SystemInfo system = new SystemInfo();
    HardwareAbstractionLayer hardware = system.getHardware();
    this.pid = (int) pid;
    this.self = pid == ProcessHandle.current().pid();
    this.cpu = hardware.getProcessor();
    this.memory = hardware.getMemory();
    this.os = system.getOperatingSystem();
    // Local interfaces too: a benchmark against a local server moves its bytes over loopback.
    this.networks = new ArrayList<>(hardware.getNetworkIFs(true));
    this.disks = new ArrayList<>(hardware.getDiskStores());
    this.systemTicks = cpu.getSystemCpuLoadTicks();
    this.coreTicks = cpu.getProcessorCpuLoadTicks();
    long[] tree = tree();
    this.lastCpuMillis = tree == null ? 0 : tree[0];
    this.lastNanos = System.nanoTime();
    long[] io = io();
    lastRx = io[0];
    lastTx = io[1];
    lastRead = io[2];
    lastWrite = io[3];
    lastOps = io[4];
  }

  /** Returns a probe of this JVM. */
  public static SystemProbe self() {
    return new SystemProbe(ProcessHandle.current().pid());
  }

  /** Takes one sample; keys carry their units. */
  public Map<String, Object> sample() {
    Map<String, Object> s = new LinkedHashMap<>();
    long now = System.nanoTime();
    double seconds = Math.max(1e-9, (now - lastNanos) / 1e9);
    lastNanos = now;

    long[] tree = tree();
    if (tree != null) {
      // Children that exited take their time with them: never report a negative rate.
      double rate = Math.max(0, (tree[0] - lastCpuMillis) / 1000.0 / seconds);
      s.put("cpu_process_pct", round(100 * rate));
      s.put("cpu_process_s", round(tree[0] / 1000.0));
      s.put("rss_mib", round(tree[1] / MIB));
      s.put("threads", tree[2]);
      lastCpuMillis = tree[0];
    }
    long[] ticks = cpu.getSystemCpuLoadTicks();
    // OSHI caches the kernel's counters briefly; unchanged ticks mean no new reading yet.
    if (!Arrays.equals(ticks, systemTicks)) {
      systemLoad = round(100 * cpu.getSystemCpuLoadBetweenTicks(systemTicks));
      double[] cores = cpu.getProcessorCpuLoadBetweenTicks(coreTicks);
      coreLoads = new ArrayList<>(cores.length);
      for (double core : cores) {
        coreLoads.add(round(100 * core));
      }
      systemTicks = ticks;
      coreTicks = cpu.getProcessorCpuLoadTicks();
    }
    s.put("cpu_system_pct", systemLoad);
    s.put("cpu_per_core_pct", coreLoads);
    s.put("mem_free_gib", round(memory.getAvailable() / GIB));
    if (self) {
      s.put(
          "heap_used_mib",
          round(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / MIB));
      s.put("direct_used_mib", round(directUsed() / MIB));
    }

    long[] io = io();
    s.put("net_machine_rx_gbps", round((io[0] - lastRx) * 8 / seconds / 1e9));
    s.put("net_machine_tx_gbps", round((io[1] - lastTx) * 8 / seconds / 1e9));
    s.put("disk_read_mibps", round((io[2] - lastRead) / seconds / MIB));
    s.put("disk_write_mibps", round((io[3] - lastWrite) / seconds / MIB));
    s.put("disk_iops", round((io[4] - lastOps) / seconds));
    lastRx = io[0];
    lastTx = io[1];
    lastRead = io[2];
    lastWrite = io[3];
    lastOps = io[4];
    return s;
  }

  /**
   * Returns CPU milliseconds, resident bytes and threads of the process and its descendants (a
   * command run through a shell does its work in children), or null if it is gone.
   */
  private long[] tree() {
    OSProcess root = os.getProcess(pid);
    if (root == null) {
      return null;
    }
    List<OSProcess> members = new ArrayList<>(List.of(root));
    members.addAll(os.getDescendantProcesses(pid, null, null, 0));
    long[] totals = new long[3];
    for (OSProcess p : members) {
      totals[0] += p.getUserTime() + p.getKernelTime();
      totals[1] += p.getResidentSetSize();
      totals[2] += p.getThreadCount();
    }
    return totals;
  }

  /** Returns received bytes, sent bytes, disk bytes read, written, and disk operations. */
  private long[] io() {
    long rx = 0;
    long tx = 0;
    for (NetworkIF net : networks) {
      net.updateAttributes();
      rx += net.getBytesRecv();
      tx += net.getBytesSent();
    }
    long read = 0;
    long write = 0;
    long ops = 0;
    for (HWDiskStore disk : disks) {
      disk.updateAttributes();
      read += disk.getReadBytes();
      write += disk.getWriteBytes();
      ops += disk.getReads() + disk.getWrites();
    }
    return new long[] {rx, tx, read, write, ops};
  }

  private static long directUsed() {
    long used = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if ("direct".equals(pool.getName())) {
        used += pool.getMemoryUsed();
      }
    }
    return used;
  }

  static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
