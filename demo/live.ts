// Live figures: the hit ratio over time, what each tier holds, and how many tabs run the cache. A read that
// memory missed and IndexedDB answered counts as a hit here: the cache served it, with no request.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ClientStats, TabCache } from '../src/index.js';

const WINDOW = 120;

/** @param persistedMax the cache's `persist.maxEntries`, to draw the IndexedDB tier against */
export function mountLive(cache: TabCache<unknown>, persistedMax: number): void {
  const chartBox = document.querySelector<HTMLDivElement>('#ratio-chart')!;
  const times: number[] = [];
  const overall: (number | null)[] = [];
  const recent: (number | null)[] = [];
  const chart = new uPlot(
    {
      width: chartBox.clientWidth || 320,
      height: 180,
      scales: { x: { time: true }, y: { range: [0, 100] } },
      axes: [{}, { label: 'served by the cache %', size: 45 }],
      legend: { live: false },
      series: [
        {},
        { label: 'since start', stroke: '#4c7bd9', width: 2 },
        { label: 'last second', stroke: '#e8710a', width: 1, points: { show: false } },
      ],
    },
    [times, overall, recent],
    chartBox,
  );
  new ResizeObserver(() => chart.setSize({ width: chartBox.clientWidth, height: 180 })).observe(chartBox);

  let previous: ClientStats | undefined;
  const tick = async () => {
    const stats = await cache.stats();
    const reads = stats.hits + stats.misses;
    const served = stats.hits + stats.persistence.readThroughHits;
    const newReads = previous ? reads - previous.hits - previous.misses : 0;
    const newHits = previous ? served - previous.hits - previous.persistence.readThroughHits : 0;
    times.push(Date.now() / 1000);
    overall.push(reads === 0 ? null : (100 * served) / reads);
    recent.push(newReads === 0 ? null : (100 * newHits) / newReads);
    if (times.length > WINDOW) [times, overall, recent].forEach((series) => series.shift());
    chart.setData([times, overall, recent]);
    drawTiers(stats, persistedMax);
    drawCounters(stats);
    previous = stats;
    await drawTabs();
  };
  void tick();
  setInterval(() => void tick(), 1000);
}

function drawTiers(stats: ClientStats, persistedMax: number): void {
  const { persistence, fastPath } = stats;
  const rows: [string, number, number, string][] = [
    ['memory', stats.size, stats.capacity, `${stats.size} / ${stats.capacity}`],
    ['memory bytes', stats.bytes, stats.maxBytes ?? Math.max(stats.bytes, 1), formatBytes(stats.bytes)],
    ['shared memory', fastPath.bytes, fastPath.sharedBytes || 1, fastPath.active ? `${fastPath.entries} · ${formatBytes(fastPath.bytes)}` : 'off'],
    ['IndexedDB', persistence.entries, persistedMax, persistence.state === 'on' ? `${persistence.entries} · ${formatBytes(persistence.bytes)}` : persistence.state],
  ];
  document.querySelector('#tiers')!.replaceChildren(
    ...rows.flatMap(([name, value, max, text]) => {
      const bar = document.createElement('div');
      bar.className = 'bar';
      const fill = document.createElement('div');
      fill.style.width = `${Math.min(100, (100 * value) / max)}%`;
      bar.append(fill);
      return [Object.assign(document.createElement('span'), { textContent: name }), bar, Object.assign(document.createElement('span'), { className: 'figure', textContent: text })];
    }),
  );
}

function drawCounters(stats: ClientStats): void {
  const shown: [string, string | number][] = [
    ['policy', stats.policy],
    ['hits (of them, from shared memory)', `${stats.hits} (${stats.fastPath.hits})`],
    ['misses (answered by IndexedDB)', `${stats.misses} (${stats.persistence.readThroughHits})`],
    ['evictions', stats.evictions],
    ['expirations', stats.expirations],
    ['writes waiting for IndexedDB', stats.persistence.pending],
  ];
  document.querySelector('#counters')!.replaceChildren(
    ...shown.flatMap(([name, value]) => [
      Object.assign(document.createElement('dt'), { textContent: name }),
      Object.assign(document.createElement('dd'), { textContent: String(value) }),
    ]),
  );
}

/** Each tab's worker holds a Web Lock for its life: counting their holders counts the tabs running the cache. */
async function drawTabs(): Promise<void> {
  const badge = document.querySelector('#tabs')!;
  if (!navigator.locks) return;
  const { held = [] } = await navigator.locks.query();
  const workers = new Set(held.filter((lock) => lock.name?.startsWith('tabcache:alive:')).map((lock) => lock.clientId));
  badge.textContent = `${workers.size} tab${workers.size === 1 ? '' : 's'} running this cache`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
