// Where benchmarks leave their machine-readable results, and how they print them.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));

/** Writes `bench/results/<name>.json` with the machine it ran on, and returns its path. */
export function writeResults(name: string, results: unknown): string {
  mkdirSync(RESULTS, { recursive: true });
  const path = `${RESULTS}${name}.json`;
  const machine = { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, platform: process.platform };
  writeFileSync(path, `${JSON.stringify({ name, date: new Date().toISOString(), machine, results }, null, 2)}\n`);
  return path;
}

/** Prints rows as an aligned table. */
export function printTable(title: string, rows: Record<string, string | number>[]): void {
  console.log(`\n${title}`);
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first);
  const cell = (value: string | number | undefined) => (typeof value === 'number' ? formatNumber(value) : (value ?? ''));
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => cell(row[column]).length)));
  const line = (values: string[]) => values.map((value, i) => value.padStart(widths[i] ?? 0)).join('  ');
  console.log(line(columns));
  for (const row of rows) console.log(line(columns.map((column) => cell(row[column]))));
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(3);
}
