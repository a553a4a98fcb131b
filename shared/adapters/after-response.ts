/**
 * Work a function starts and does not make its caller wait for (the console's dashboard refresh).
 * On Lambda it runs while the container is thawed and carries on the next time it is invoked. The
 * process hosting the functions may install a tracker instead: the embedded runtime counts such
 * work as pipeline activity, so "idle" (and every test that waits for it) includes it — the second
 * process-level seam beside the clock, and installed the same way, before any handler loads.
 */
type Tracker = (work: Promise<unknown>) => void;

const untracked: Tracker = (work) => {
  // Whoever started the work reports its failure; here it must only never be an unhandled rejection.
  work.catch(() => undefined);
};

let installed: Tracker = untracked;

export function afterResponse(work: Promise<unknown>): void {
  installed(work);
}

export function installAfterResponse(tracker: Tracker): void {
  installed = tracker;
}
