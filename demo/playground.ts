// The policy playground: a workload replayed through LRU, LFU, LRU+TTL and W-TinyLFU at five cache sizes
// around the chosen one, drawn as hit ratio against capacity with OPT as the ceiling.
import uPlot from 'uplot';
import type { PlaygroundReply, PlaygroundRequest } from './playground-worker.js';
import type { WorkloadKind } from './workloads.js';

const COLORS: Record<string, string> = { lru: '#4c7bd9', lfu: '#e8710a', 'lru-ttl': '#9334e6', tinylfu: '#188038', opt: '#80868b' };
const NAMES: Record<string, string> = { lru: 'LRU', lfu: 'LFU', 'lru-ttl': 'LRU+TTL', tinylfu: 'W-TinyLFU', opt: 'OPT' };

export function mountPlayground(): void {
  const form = document.querySelector<HTMLFormElement>('#workload')!;
  const status = document.querySelector<HTMLOutputElement>('#playground-status')!;
  const chartBox = document.querySelector<HTMLDivElement>('#policy-chart')!;
  let chart: uPlot | undefined;
  let worker: Worker | undefined;

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const capacity = Math.max(1, Number(data.get('capacity')) || 1000);
    const capacities = [0.25, 0.5, 1, 2, 4].map((factor) => Math.max(1, Math.round(capacity * factor)));
    const kind = String(data.get('kind'));
    let request: PlaygroundRequest;
    if (kind === 'file') {
      const file = data.get('trace');
      if (!(file instanceof File) || file.size === 0) {
        status.textContent = 'pick a trace file first';
        return;
      }
      request = { capacities, file: await file.arrayBuffer(), name: file.name };
    } else {
      const spec = {
        kind: kind as WorkloadKind,
        keys: Number(data.get('keys')) || 20_000,
        requests: Number(data.get('requests')) || 300_000,
        alpha: Number(data.get('alpha')) || 0.9,
      };
      request = { capacities, spec };
    }
    status.textContent = 'replaying…';
    const started = performance.now();
    worker?.terminate();
    worker = new Worker(new URL('./playground-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (message: MessageEvent<{ ok: true; reply: PlaygroundReply } | { ok: false; message: string }>) => {
      worker?.terminate();
      worker = undefined;
      if (!message.data.ok) {
        status.textContent = `could not replay: ${message.data.message}`;
        return;
      }
      const { reply } = message.data;
      status.textContent = `${reply.requests.toLocaleString()} requests over ${reply.distinct.toLocaleString()} keys, replayed ${reply.rows.length} times in ${((performance.now() - started) / 1000).toFixed(1)} s`;
      chart?.destroy();
      chart = draw(chartBox, capacities, reply);
      table(capacities, reply);
    };
    worker.postMessage(request, 'file' in request ? [request.file] : []);
  });
}

function draw(box: HTMLElement, capacities: number[], reply: PlaygroundReply): uPlot {
  const policies = [...new Set(reply.rows.map((row) => row.policy))];
  const series = policies.map((policy) =>
    capacities.map((capacity) => 100 * (reply.rows.find((row) => row.policy === policy && row.capacity === capacity)?.hitRatio ?? 0)),
  );
  return new uPlot(
    {
      width: box.clientWidth || 600,
      height: 260,
      scales: { x: { time: false, distr: 3 }, y: { range: [0, 100] } },
      axes: [{ label: 'capacity (entries)' }, { label: 'hit %', size: 45 }],
      series: [
        { label: 'capacity' },
        ...policies.map((policy) => ({
          label: NAMES[policy] ?? policy,
          stroke: COLORS[policy] ?? '#000',
          width: policy === 'opt' ? 1 : 2,
          dash: policy === 'opt' ? [6, 4] : policy === 'lru-ttl' ? [2, 3] : undefined,
        })),
      ],
    },
    [capacities, ...series],
    box,
  );
}

function table(capacities: number[], reply: PlaygroundReply): void {
  const policies = [...new Set(reply.rows.map((row) => row.policy))];
  const head = `<tr><th>policy</th>${capacities.map((capacity) => `<th>${capacity}</th>`).join('')}</tr>`;
  const body = policies
    .map((policy) => {
      const cells = capacities.map((capacity) => {
        const row = reply.rows.find((r) => r.policy === policy && r.capacity === capacity);
        return `<td>${((row?.hitRatio ?? 0) * 100).toFixed(2)} %</td>`;
      });
      return `<tr data-policy="${policy}"><td>${NAMES[policy] ?? policy}</td>${cells.join('')}</tr>`;
    })
    .join('');
  document.querySelector('#policy-table')!.innerHTML = `<thead>${head}</thead><tbody>${body}</tbody>`;
}
