/**
 * Cube 0.33's API gateway filters the whole model's members for visibility
 * on every load (`filterVisibleItemsInMeta`), before it reads the one query's
 * annotation: every member of every cube is copied and tested, and each test
 * reads `CUBEJS_DEV_MODE` through the env-var package, which resolves a
 * module per call. Among 50 people at 200,000 customers that was 17 % of the
 * product process's CPU (docs/performance.md, "Many people at once").
 *
 * The answer depends only on the compiled model's member list (the same
 * array until the model is compiled again), whether the request was signed
 * with the system secret, and dev mode (fixed off for the process): so it is
 * kept per model array and kind of request. Callers only read it.
 */

type MetaConfig = readonly unknown[];
type Filter = (context: { signedWithPlaygroundAuthSecret?: boolean }, metaConfig: MetaConfig) => unknown[];

interface Gateway {
  filterVisibleItemsInMeta: Filter;
}

/** Replaces the gateway's filter with one that computes each model array's answer once per kind of request. */
export function memoizeVisibleMeta(gateway: Gateway): void {
  const original = gateway.filterVisibleItemsInMeta.bind(gateway);
  const kept = new WeakMap<MetaConfig, Map<boolean, unknown[]>>();
  gateway.filterVisibleItemsInMeta = (context, metaConfig) => {
    const system = Boolean(context?.signedWithPlaygroundAuthSecret);
    let byKind = kept.get(metaConfig);
    if (!byKind) {
      byKind = new Map();
      kept.set(metaConfig, byKind);
    }
    let visible = byKind.get(system);
    if (!visible) {
      visible = original(context, metaConfig);
      byKind.set(system, visible);
    }
    return visible;
  };
}
