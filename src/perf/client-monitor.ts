import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Watches the benchmark client itself while a load point runs (kubernetes-sigs/inference-perf #648, "client is
 * the bottleneck"): event-loop delay via perf_hooks.monitorEventLoopDelay and process CPU via
 * process.cpuUsage. A blocked loop stamps chunk arrivals late and inflates TTFT/ITL; a saturated CPU
 * caps the send rate. The figures are judged by `saturationReasons` (saturation.ts).
 */
export interface ClientStats {
  /** Event-loop delay beyond the sampling interval, ms. */
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** Process CPU time (user + system, all threads) over wall time; 1 = one full core. */
  cpuCores: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  wallMs: number;
  /** Cores this machine offers the process. */
  cpus: number;
  node: string;
}

export interface ClientMonitor {
  stop(): ClientStats;
}

/**
 * Sampling interval of the loop-delay histogram; Node reports interval + lateness, we subtract it.
 * Fine-grained so that p99 describes the loop, not one unlucky sample: a 1 s load point gives ~500.
 */
const RESOLUTION_MS = 2;

export function startClientMonitor(): ClientMonitor {
  const hist = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  hist.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return {
    stop(): ClientStats {
      hist.disable();
      const cpu = process.cpuUsage(cpu0);
      const wallMs = performance.now() - t0;
      const late = (ns: number) => (hist.count === 0 ? 0 : Math.max(0, ns / 1e6 - RESOLUTION_MS));
      return {
        loopDelayP50Ms: late(hist.percentile(50)),
        loopDelayP99Ms: late(hist.percentile(99)),
        loopDelayMaxMs: late(hist.max),
        cpuCores: wallMs > 0 ? (cpu.user + cpu.system) / 1000 / wallMs : 0,
        cpuUserMs: cpu.user / 1000,
        cpuSystemMs: cpu.system / 1000,
        wallMs,
        cpus: availableParallelism(),
        node: process.version,
      };
    },
  };
}
