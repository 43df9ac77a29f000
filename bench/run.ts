/**
 * `npm run bench [-- --customers N]`: the product at one scale, against the
 * targets of issue #19. Builds the web app, seeds its own embedded
 * PostgreSQL, starts the product (and, for the comparison, a second one with
 * SIYU_PRE_AGGREGATIONS=off), talks to them over HTTP as browsers do, prints
 * a table and writes bench/results.json and docs/benchmarks.md.
 *
 *   --customers N     seed size (default: the demo size)
 *   --runs N          timed runs per query, cold and warm (20)
 *   --open-runs N     timed openings per page, cold and warm (10)
 *   --presets P,Q     the date presets timed besides the default (all the filter bar offers)
 *   --custom-runs N   custom ranges timed, one run each (5)
 *   --freshness-runs N  new orders followed to the screens (5)
 *   --skip-tiles      no page or tile timing (nor first opens, ranges, rollup probe): the other phases alone, at a scale where the tiles take an hour
 *   --deadline ISO    past this moment the last phase (other presets, custom ranges) stops and the report is written
 *   --compare-runs N  runs per compared query, each way (5; 0: no second product, no comparison)
 *   --users N --duration S --think MS   the concurrent users (50, 60 s, 1000 ms)
 *   --csv-rows N      rows of the CSV export (100000)
 *   --budget S        a query's (or page's) runs stop early, after at least 3, once they took S seconds (30)
 *   --data-dir DIR    seed into (or reuse the seeded data in) DIR and keep it
 *   --no-build        use web/dist as it is
 *   --doc FILE        where to write the report (docs/benchmarks.md)
 *   --render          measure nothing: write the report again from bench/results.json
 *
 * Figures, not assertions: compare runs on the same machine.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { ROOT_DIR } from '../cube/config.ts';
import { embeddedUrl } from '../cube/database/embedded-postgres.ts';
import { freePort } from '../cube/ports.ts';
import { TABLES } from '../seed/tables.ts';
import { parseFilters, resolveDateRange } from '../web/src/lib/filters.ts';
import { campaignWindow } from '../web/src/features/big-screen/build-queries.ts';
import { buildCampaignListQuery, pickCampaign, toCampaignOptions } from '../web/src/features/big-screen/campaigns.ts';
import { comparisons } from './compare.ts';
import { buildWeb, bundleSizes, commit, loadSampler, machine, seed } from './environment.ts';
import { BrowserClient } from './http-client.ts';
import { args, compareRuns, csvRows, customers, customRuns, budgetMs, deadline, docFile, skipTiles, durationMs, freshnessRuns, openRuns, password, presets, RESULTS_FILE, runs, say, thinkMs, users } from './options.ts';
import { tilePages, drillList, type CubeQuery, type PageContext } from '../web/src/page-loads.ts';
import { orderWriter } from './new-order.ts';
import { compareRollups } from './phases/comparison.ts';
import { measureFreshness } from './phases/freshness.ts';
import { timeCsvExport, timeCustomer360, timeDrillList, timePresetDrillList } from './phases/lists.ts';
import { runConcurrency, runNoisyNeighbour } from './phases/load.ts';
import { probeRollups } from './phases/rollups.ts';
import { timeRanges, timeTiles } from './phases/tiles.ts';
import { embeddedProductOptions, postgresMemorySampler, startProduct, type RunningProduct } from './product.ts';
import { consoleTable, evaluateTargets, type Results } from './report.ts';
import { markdown } from './report-markdown.ts';
import { latency, ms } from './stats.ts';
import { openPage } from './timing.ts';

async function main(): Promise<void> {
  const keep = Boolean(args['data-dir']);
  const dataDir = keep ? path.resolve(args['data-dir']!) : mkdtempSync(path.join(os.tmpdir(), 'siyu-bench-'));
  mkdirSync(dataDir, { recursive: true });
  chmodSync(dataDir, 0o755);
  // The products' own output, kept after the run (the data directory is not): .tmp/ is git-ignored.
  const logFile = path.join(ROOT_DIR, '.tmp', 'bench-product.log');
  mkdirSync(path.dirname(logFile), { recursive: true });
  writeFileSync(logFile, '');
  const pgPort = await freePort();
  const started = new Date();
  const load = loadSampler();
  const products: RunningProduct[] = [];
  const stopAll = async (): Promise<void> => {
    for (const p of products.splice(0).reverse()) await p.stop().catch(() => undefined);
  };

  try {
    const web = buildWeb();
    const seeded = await seed(dataDir, pgPort);

    const start = async (extra: Record<string, string> = {}): Promise<RunningProduct> => {
      const p = await startProduct(await embeddedProductOptions(dataDir, pgPort, logFile, {
        DEMO_CUSTOMERS: String(customers), DEMO_PASSWORD: password, LOG_LEVEL: 'info', ...extra,
      }));
      products.push(p);
      return p;
    };

    say('starting the product (first start on the fresh data)');
    let product = await start();
    const firstReadyMs = product.readyMs;
    const pgMemory = postgresMemorySampler(dataDir);
    const owner = postgres(embeddedUrl(dataDir, pgPort), { max: 2, onnotice: () => {} });
    let exec = await BrowserClient.login(product.url, 'exec', password);
    const me = (await exec.get('/api/me')).body as { asOf: string; timeZone: string };
    const asOf = me.asOf.slice(0, 10);
    const timeZone = me.timeZone;

    // What a browser knows before it builds its queries: the campaigns, a team and one of its employees, a channel.
    const campaignRows = (await exec.load(buildCampaignListQuery() as CubeQuery)).rows;
    const [someone] = (await exec.load({ dimensions: ['staff_performance.team', 'staff_performance.employee_id'], order: { 'staff_performance.team': 'asc' }, limit: 1 } as CubeQuery)).rows;
    const [aChannel] = (await exec.load({ dimensions: ['channel_roi.channel'], filters: [{ member: 'channel_roi.channel', operator: 'set' }], order: { 'channel_roi.channel': 'asc' }, limit: 1 } as CubeQuery)).rows;
    const context: PageContext = {
      asOf, campaignRows,
      team: String(someone?.['staff_performance.team']), employeeId: Number(someone?.['staff_performance.employee_id']),
      channel: String(aChannel?.['channel_roi.channel']),
    };
    const pages = tilePages(context);
    const range = resolveDateRange(parseFilters(new URLSearchParams()), asOf)!;
    const campaign = pickCampaign(toCampaignOptions(campaignRows), asOf, null)!;

    // First opening of every page: rollups not built yet are built now (or the raw tables answer meanwhile).
    const firstOpen = new Map<string, number>();
    for (const page of skipTiles ? [] : pages) {
      say(`first open: ${page.page}`);
      const t0 = performance.now();
      // A page that answers an error here is timed until it: the timing below counts the error.
      firstOpen.set(page.page, await openPage(exec, page).catch((error: Error) => (say(`  ${error.message}`), performance.now() - t0)));
      say(`  first open took ${ms(firstOpen.get(page.page))}`);
    }
    const drillBase = `metric=gmv&from=${range[0]}`;
    await openPage(exec, drillList(`${drillBase}&to=${asOf}`, asOf));

    say('stopping and starting the product again on the same data');
    const peakFirst = product.peakRssMb();
    await product.stop();
    products.pop();
    product = await start();
    const readyAgainMs = product.readyMs;
    exec = await BrowserClient.login(product.url, 'exec', password);
    const overviewFrom = performance.now();
    const firstOverviewMs = await openPage(exec, pages[0]!).catch(() => performance.now() - overviewFrom);

    // Every timed run after this one is preceded by a new order, in the big-screen's campaign.
    const [campaignRow] = await owner<{ id: number }[]>`SELECT id FROM siyu.campaigns WHERE name = ${campaign.name}`;
    const writer = await orderWriter(owner, campaignRow?.id ?? null);
    const figures = skipTiles ? [] : await timeTiles(exec, writer, pages, firstOpen);
    const freshness = await measureFreshness(exec, writer, pages, freshnessRuns);

    const { total, deepPage, first, deep } = await timeDrillList(exec, asOf, drillBase);
    const presetDrill = await timePresetDrillList(exec, asOf, writer);

    const { someCustomers, c360Page, c360Query } = await timeCustomer360(exec, owner);

    const csv = await timeCsvExport(exec, asOf);

    const concurrency = await runConcurrency(owner, product.url, context);
    const peakRss = Math.max(peakFirst ?? 0, product.peakRssMb() ?? 0) || null;

    const noisy = await runNoisyNeighbour(exec, product.url, pages, asOf);

    // The same queries with rollups, without (a second product on the same database), and as hand-written SQL.
    const ownerUrl = embeddedUrl(dataDir, pgPort);
    const window = campaignWindow(campaign.startsOn, campaign.endsOn, asOf);
    const compared = compareRuns > 0 ? comparisons(pages, range, timeZone, window) : [];
    let comparisonFigures: Awaited<ReturnType<typeof compareRollups>> = [];
    if (compared.length > 0) {
      say('starting a second product with SIYU_PRE_AGGREGATIONS=off on the same database');
      // Its own Cube role would be given a fresh password and lock the first product's pool out: it reads as the owner.
      const raw = await start({ DATABASE_URL: ownerUrl, CUBE_DATABASE_URL: ownerUrl, SIYU_PRE_AGGREGATIONS: 'off' });
      const rawClient = await BrowserClient.login(raw.url, 'exec', password);
      comparisonFigures = await compareRollups(exec, rawClient, owner, compared);
    }

    if (!skipTiles) await probeRollups({ productUrl: product.url, ownerUrl, timeZone, owner, pages, figures, compared, comparisonFigures });

    // Last, as the longest and the one --deadline may cut: the other presets and custom ranges.
    const { ranges, cut: rangesCut } = skipTiles ? { ranges: [], cut: false } : await timeRanges(exec, writer, context);

    pgMemory.stop();
    load.stop();
    const [sizes] = await owner`
      SELECT pg_database_size(current_database())::bigint AS database,
             COALESCE((SELECT SUM(pg_total_relation_size(format('%I.%I', schemaname, tablename)::regclass))
                       FROM pg_tables WHERE schemaname = 'siyu_pre_aggregations'), 0)::bigint AS rollups`;
    // Reused data: the row counts the seed's ANALYZE left in the catalogue.
    const tables = seeded?.tables ?? Object.fromEntries((await owner`
      SELECT relname, reltuples::bigint AS n FROM pg_class
      WHERE relnamespace = 'siyu'::regnamespace AND relkind = 'r' AND relname IN ${owner([...TABLES])}`).map((r) => [String(r.relname), Number(r.n)]));
    const base: Omit<Results, 'targets'> = {
      scale: { customers, rows: seeded?.rows ?? Object.values(tables).reduce((a, b) => a + b, 0), tables },
      machine: machine(load.values),
      database: { size_mb: Math.round(Number(sizes?.database ?? 0) / 1_048_576), rollups_mb: Math.round(Number(sizes?.rollups ?? 0) / 1_048_576) },
      date: started.toISOString(),
      commit: commit(),
      command: `npm run bench -- ${process.argv.slice(2).join(' ') || `--customers ${customers}`}`.replace(/ -- $/, ''),
      options: {
        runs, open_runs: openRuns, presets: presets.join(' '), custom_runs: customRuns, freshness_runs: freshnessRuns, compare_runs: compareRuns,
        budget_s: budgetMs / 1000, users, duration_s: durationMs / 1000, think_ms: thinkMs, csv_rows: csvRows,
        ...(deadline !== null ? { deadline: new Date(deadline).toISOString() } : {}), ...(skipTiles ? { skip_tiles: true } : {}),
      },
      seed: seeded ? { rows: seeded.rows, ms: seeded.ms, rows_per_second: seeded.rows_per_second, summaries_ms: seeded.summaries_ms, classify_ms: seeded.classify_ms } : null,
      web: bundleSizes(web.build_ms),
      start: { first_ready_ms: Math.round(firstReadyMs), ready_again_ms: Math.round(readyAgainMs), first_overview_after_restart_ms: Math.round(firstOverviewMs) },
      memory: { product_peak_rss_mb: peakRss, postgres_peak_pss_mb: pgMemory.peakMb() },
      pages: figures,
      ranges,
      ranges_cut: rangesCut,
      orders_written: writer.written,
      freshness,
      drill: {
        url: `/customers?${drillBase}&to=<as-of − n days>`, total_rows: total,
        first_page: { list: { cold: latency(first.cold), warm: latency(first.warm) }, page_cold: latency(first.page) },
        deep_page: { page: deepPage, list: { cold: latency(deep.cold), warm: latency(deep.warm) } },
        preset: { url: '/customers?metric=gmv', total_rows: presetDrill.total, first_page: latency(presetDrill.first), deep_page: { page: presetDrill.deepPage, list: latency(presetDrill.deep) } },
      },
      customer_360: { customers: someCustomers.length, page: latency(c360Page), query: latency(c360Query) },
      csv: { ...csv, ms: Math.round(csv.ms), ms_per_100k_rows: Math.round((csv.ms / Math.max(1, csv.rows)) * 100_000), target_rows: csvRows },
      concurrency,
      noisy_neighbour: noisy,
      comparison: comparisonFigures,
    };
    await owner.end({ timeout: 5 });
    await stopAll();

    const results: Results = { ...base, targets: evaluateTargets(base) };
    writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(docFile, markdown(results, docFile));
    process.stdout.write(`${consoleTable(results)}\n\nwrote bench/results.json and ${path.relative(ROOT_DIR, docFile)}\n`);
  } finally {
    await stopAll();
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The report again from the last results (after editing the notes, or the report's code). */
function render(): void {
  const { targets: _old, ...base } = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Results;
  const results: Results = { ...base, targets: evaluateTargets(base) };
  writeFileSync(docFile, markdown(results, docFile));
  process.stdout.write(`${consoleTable(results)}\n\nwrote ${path.relative(ROOT_DIR, docFile)} from ${path.relative(ROOT_DIR, RESULTS_FILE)}\n`);
}

if (args.render) {
  render();
  process.exit(0);
}

main().then(() => process.exit(0), (error: Error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
