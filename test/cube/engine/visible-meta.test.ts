import { ApiGateway } from '@cubejs-backend/api-gateway';
import { describe, expect, it } from 'vitest';
import { memoizeVisibleMeta } from '../../../cube/engine/visible-meta.ts';

type Filter = (context: { signedWithPlaygroundAuthSecret?: boolean }, meta: readonly unknown[]) => unknown[];
/** Cube's own filter, as its gateway runs it on every load. */
const stock = (ApiGateway.prototype as unknown as { filterVisibleItemsInMeta: Filter }).filterVisibleItemsInMeta;

const member = (name: string, isVisible: boolean) => ({ name, isVisible });
function model() {
  return [
    { isVisible: true, config: { name: 'sales', measures: [member('sales.gmv', true), member('sales.secret', false)], dimensions: [member('sales.day', true)], segments: [] } },
    { isVisible: false, config: { name: 'orders', measures: [member('orders.count', false)], dimensions: [member('orders.id', false)], segments: [] } },
  ];
}

describe("the gateway's visibility filter, once per compiled model", () => {
  it('answers what Cube answers, for a page and for the system secret', () => {
    process.env.CUBEJS_DEV_MODE = 'false';
    const gateway = { filterVisibleItemsInMeta: stock };
    memoizeVisibleMeta(gateway);
    const meta = model();
    for (const context of [{}, { signedWithPlaygroundAuthSecret: true }]) {
      expect(gateway.filterVisibleItemsInMeta(context, meta)).toEqual(stock.call(gateway, context, meta));
    }
    // The hidden members stay hidden from a page's request.
    expect(JSON.stringify(gateway.filterVisibleItemsInMeta({}, meta))).not.toMatch(/secret|orders/);
  });

  it('filters a model once, and again only for a newly compiled one', () => {
    process.env.CUBEJS_DEV_MODE = 'false';
    let calls = 0;
    const gateway = { filterVisibleItemsInMeta(context: Parameters<Filter>[0], meta: readonly unknown[]) { calls++; return stock.call(this, context, meta); } };
    memoizeVisibleMeta(gateway);
    const meta = model();
    const first = gateway.filterVisibleItemsInMeta({}, meta);
    expect(gateway.filterVisibleItemsInMeta({}, meta)).toBe(first);
    expect(gateway.filterVisibleItemsInMeta({ signedWithPlaygroundAuthSecret: false }, meta)).toBe(first);
    expect(calls).toBe(1);
    // The system secret's answer is kept apart: it sees the hidden members.
    const system = gateway.filterVisibleItemsInMeta({ signedWithPlaygroundAuthSecret: true }, meta);
    expect(system).not.toBe(first);
    expect(JSON.stringify(system)).toMatch(/sales\.secret/);
    expect(calls).toBe(2);
    // A recompiled model (a new array) is filtered anew.
    const recompiled = model();
    expect(gateway.filterVisibleItemsInMeta({}, recompiled)).not.toBe(first);
    expect(calls).toBe(3);
  });
});
