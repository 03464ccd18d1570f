/**
 * Keeps the server's heap near what it holds. The server's work is mostly mid-lived garbage: each
 * keystroke's analysis, replay and diagnostics replace the previous ones, which have by then been
 * promoted to the old generation. V8 sizes the old generation for throughput and, measured on the
 * fuzz tier's 20,000-edit run, let ~200 MB of it pile up over a live set of ~25 MB before a full
 * collection (the process then held ~330 MB, over the 250 MB target). So the server collects
 * itself: a check every 100 ms (between requests, never inside one) runs a full collection when the
 * heap in use exceeds the live set after the last one by 32 MB plus a quarter of it. (With 48 MB plus
 * half, checked every 250 ms, the run peaked at ~250 MB: too close.) A collection of a ~25–50 MB live
 * set takes a few tens of milliseconds.
 *
 * V8 exposes `gc` only to contexts created after `--expose-gc` is set; without it (another engine,
 * flags refused) nothing happens and V8's own policy applies.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

const MB = 1024 * 1024;
/** Garbage allowed over the live set before the server collects: `slack` + `live * ratio`. */
export const HEAP_SLACK = 32 * MB;
export const HEAP_RATIO = 0.25;
const INTERVAL_MS = 100;

export interface HeapGovernor {
  /** Full collections the governor ran. */
  readonly collections: number;
  stop(): void;
}

function exposedGc(): (() => void) | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('typeof gc === "function" ? gc : undefined');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the heap in use (`used`) is over the budget of a live set (`live`, after the last collection). */
export function overBudget(used: number, live: number): boolean {
  return used > live + HEAP_SLACK + live * HEAP_RATIO;
}

export function governHeap(): HeapGovernor {
  const gc = exposedGc();
  let collections = 0;
  let live = v8.getHeapStatistics().used_heap_size;
  const timer = gc
    ? setInterval(() => {
        if (!overBudget(v8.getHeapStatistics().used_heap_size, live)) return;
        gc();
        collections++;
        live = v8.getHeapStatistics().used_heap_size;
      }, INTERVAL_MS)
    : undefined;
  timer?.unref();
  return {
    get collections() {
      return collections;
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
