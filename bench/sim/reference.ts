import { readFileSync } from 'node:fs';

/** One row of a REFERENCE.tsv: exact hits of a textbook policy on a trace at a capacity. */
export interface ReferenceRow {
  trace: string;
  policy: string;
  capacity: number;
  hits: number;
  requests: number;
}

/** Reads a REFERENCE.tsv (columns trace, policy, capacity, hits, requests, hit%; a header line first). */
export function readReference(path: string): ReferenceRow[] {
  const lines = readFileSync(path, 'utf8').split('\n').slice(1);
  return lines
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [trace = '', policy = '', capacity = '', hits = '', requests = ''] = line.split('\t');
      return { trace, policy, capacity: Number(capacity), hits: Number(hits), requests: Number(requests) };
    });
}

/** The name a trace file goes by in REFERENCE.tsv: `oltp.keys.gz` is `oltp`. */
export function traceName(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base.replace(/\.gz$/, '').replace(/\.(keys|txt|trace)$/, '');
}
