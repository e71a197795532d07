import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseTrace, type Trace } from './parse.js';

export { parseTrace, type Trace };

/** Reads a trace file: one key a line, plain or gzip (told apart by its magic bytes). Blank lines are skipped. */
export function readTrace(path: string): Trace {
  const raw = readFileSync(path);
  return parseTrace(raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw);
}
