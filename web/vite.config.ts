import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const webDir = path.dirname(fileURLToPath(import.meta.url));

/** Budget for the JavaScript a first page loads (gzip), from the issue. */
const FIRST_PAGE_BUDGET = 250 * 1024;

interface ChunkInfo {
  fileName: string;
  code: string;
  imports: string[];
  dynamicImports: string[];
  isEntry: boolean;
  facadeModuleId: string | null;
}

/**
 * Prints the gzip size of every JS chunk and, per page, what the browser
 * loads to show it first (entry + the page's chunk + their static imports),
 * and writes the same to dist/sizes.json for tests and the benchmark.
 */
function jsSizes(): Plugin {
  return {
    name: 'siyu-js-sizes',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map<string, ChunkInfo>();
      for (const item of Object.values(bundle)) {
        if (item.type === 'chunk') chunks.set(item.fileName, item as unknown as ChunkInfo);
      }
      const gz = new Map([...chunks].map(([name, c]) => [name, gzipSync(c.code).length]));
      const closure = (start: string[], dynamic = false): Set<string> => {
        const seen = new Set<string>();
        const walk = (name: string) => {
          if (seen.has(name) || !chunks.has(name)) return;
          seen.add(name);
          const c = chunks.get(name)!;
          for (const dep of c.imports) walk(dep);
          // Charts: the one lazy component chunk a page pulls in (not other pages).
          if (dynamic) for (const dep of c.dynamicImports) if (/echart-core/.test(dep)) walk(dep);
        };
        start.forEach(walk);
        return seen;
      };
      const entry = [...chunks.values()].find((c) => c.isEntry)!;
      const pages: Record<string, number> = {};
      const withCharts: Record<string, number> = {};
      for (const c of chunks.values()) {
        const id = c.facadeModuleId ?? '';
        const m = /features\/([^/]+)\/\1-page\.tsx$/.exec(id) ?? /features\/([^/]+)\/[^/]+-page\.tsx$/.exec(id);
        if (!m || c.isEntry) continue;
        const files = closure([entry.fileName, c.fileName]);
        pages[m[1]!] = [...files].reduce((sum, f) => sum + (gz.get(f) ?? 0), 0);
        withCharts[m[1]!] = [...closure([entry.fileName, c.fileName], true)].reduce((sum, f) => sum + (gz.get(f) ?? 0), 0);
      }
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      const lines = ['', 'JavaScript per chunk (gzip):'];
      for (const [name, size] of [...gz].sort((a, b) => b[1] - a[1])) lines.push(`  ${kb(size).padStart(9)}  ${name}`);
      lines.push('Per page (gzip): first render = entry + page + static imports; with charts = + the lazy ECharts chunk');
      let over = false;
      for (const [page, size] of Object.entries(pages).sort()) {
        over ||= size > FIRST_PAGE_BUDGET;
        lines.push(`  ${kb(size).padStart(9)}  ${kb(withCharts[page] ?? size).padStart(9)}  ${page}${size > FIRST_PAGE_BUDGET ? `  OVER ${kb(FIRST_PAGE_BUDGET)}` : ''}`);
      }
      console.log(lines.join('\n'));
      if (over) this.warn(`A first page loads more than ${kb(FIRST_PAGE_BUDGET)} of JavaScript (gzip).`);
      this.emitFile({ type: 'asset', fileName: 'sizes.json', source: JSON.stringify({ chunks: Object.fromEntries(gz), firstRender: pages, withCharts, budget: FIRST_PAGE_BUDGET }, null, 2) });
    },
  };
}

export default defineConfig({
  root: webDir,
  plugins: [jsSizes()],
  resolve: {
    // The same component as ES modules: the CommonJS build's default export reaches the browser as an object.
    alias: { 'echarts-for-react/lib/core': path.join(webDir, '..', 'node_modules', 'echarts-for-react', 'esm', 'core.js') },
  },
  build: {
    outDir: path.join(webDir, 'dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
  },
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'react' },
  },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/cubejs-api': 'http://localhost:3000',
      '/healthz': 'http://localhost:3000',
    },
  },
});
