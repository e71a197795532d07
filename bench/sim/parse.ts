// Parsing a trace from bytes: no Node modules, so that the demo's playground can use it in a browser.

/** A trace as the simulator replays it: each request as a dense key id, and each id's key. */
export interface Trace {
  /** Request `i` asks for key `keys[ids[i]]`. */
  ids: Int32Array;
  keys: string[];
}

const NEWLINE = 0x0a;
const RETURN = 0x0d;
const ZERO = 0x30;
/** Decimal keys of up to 15 digits are exact doubles, so they are interned by value, without a string each. */
const MAX_DIGITS = 15;

/** Splits `text` into lines and gives each distinct line an id, in order of first appearance. */
export function parseTrace(text: Uint8Array): Trace {
  let lines = 1;
  for (let i = text.indexOf(NEWLINE); i !== -1; i = text.indexOf(NEWLINE, i + 1)) lines++;
  const ids = new Int32Array(lines);
  const keys: string[] = [];
  const numeric = new Map<number, number>();
  const named = new Map<string, number>();
  const decoder = new TextDecoder();
  let count = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf(NEWLINE, start);
    if (end === -1) end = text.length;
    const next = end + 1;
    if (end > start && text[end - 1] === RETURN) end--;
    if (end > start) {
      const number = decimal(text, start, end);
      let id: number | undefined;
      if (number >= 0) {
        id = numeric.get(number);
        if (id === undefined) {
          id = keys.length;
          numeric.set(number, id);
          keys.push(String(number));
        }
      } else {
        const key = decoder.decode(text.subarray(start, end));
        id = named.get(key);
        if (id === undefined) {
          id = keys.length;
          named.set(key, id);
          keys.push(key);
        }
      }
      ids[count++] = id;
    }
    start = next;
  }
  return { ids: ids.subarray(0, count), keys };
}

/** The value of a canonical decimal (no sign, no leading zero) of at most 15 digits, or -1. */
function decimal(text: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length > MAX_DIGITS || (length > 1 && text[start] === ZERO)) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = text[i]! - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}
