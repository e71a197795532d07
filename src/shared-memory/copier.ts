// Copies of decoded values, made by code compiled for the value's structure. A page that reads a hot entry
// keeps one decoded value of it (kept.ts) and hands out copies: fresh objects, arrays, Dates and typed arrays
// every time, as a decode gives, while strings and numbers, which cannot be changed, are shared. Compiled code
// builds each object from a literal of fixed shape, which is several times faster than decoding the bytes anew.

/** Returns a fresh copy of the value it was compiled for, or of any value of the same structure. */
export type Copier = (value: unknown) => unknown;

/** Compiled copiers by their code, which names the structure and none of the values. */
const compiled = new Map<string, Copier>();
/** Structures a page may compile; past that, new ones are decoded as before. */
const MAX_COMPILED = 256;
/**
 * Longer code is a value too irregular to gain from a copier (a dictionary of many keys, say); it also bounds
 * what the compiled copiers hold, with MAX_COMPILED, to about a megabyte.
 */
const MAX_CODE = 4 * 1024;
/** An array of elements of different structures is copied element by element up to this length. */
const MAX_IRREGULAR = 16;

let compiling = true;

const identity: Copier = (value) => value;

/**
 * A copier for `value`, a tree of what the decoder gives (primitives, plain objects, arrays, Dates, typed
 * arrays), or undefined when the value is too irregular, too many structures were compiled, or the page
 * forbids compiling code (a Content-Security-Policy without 'unsafe-eval').
 */
export function copierOf(value: unknown): Copier | undefined {
  if (typeof value !== 'object' || value === null) return identity;
  if (!compiling) return undefined;
  const helpers = new Map<string, string>();
  const root = build(value, helpers);
  if (root === undefined) return undefined;
  const code = `${[...helpers].map(([body, name]) => `function ${name}(x){${body}}`).join('\n')}\nreturn ${root};`;
  if (code.length > MAX_CODE) return undefined;
  let copier = compiled.get(code);
  if (copier !== undefined) return copier;
  if (compiled.size >= MAX_COMPILED) return undefined;
  try {
    // The code names the structure alone: every value it reads comes from the argument.
    copier = new Function(code)() as Copier;
  } catch {
    compiling = false;
    return undefined;
  }
  compiled.set(code, copier);
  return copier;
}

/**
 * The name of a helper function that copies the object `node` from its argument `x`, or undefined when it
 * cannot be compiled. Helpers of the same body are one function.
 */
function build(node: object, helpers: Map<string, string>): string | undefined {
  const body = bodyOf(node, helpers);
  if (body === undefined) return undefined;
  let name = helpers.get(body);
  if (name === undefined) helpers.set(body, (name = `c${helpers.size}`));
  return name;
}

function bodyOf(node: object, helpers: Map<string, string>): string | undefined {
  if (node instanceof Date) return 'return new Date(x.getTime())';
  if (ArrayBuffer.isView(node)) return 'return x.slice()';
  if (Array.isArray(node)) return arrayBody(node, helpers);
  const fields: string[] = [];
  for (const key of Object.keys(node)) {
    // A literal's "__proto__" sets the prototype; the encoder never lets such a key through.
    if (key === '__proto__') return undefined;
    const field = fieldOf((node as Record<string, unknown>)[key], `x[${JSON.stringify(key)}]`, helpers);
    if (field === undefined) return undefined;
    fields.push(`${JSON.stringify(key)}:${field}`);
  }
  return `return {${fields.join(',')}}`;
}

function arrayBody(array: unknown[], helpers: Map<string, string>): string | undefined {
  const kind = kindOf(array);
  if (kind === 'primitives') return 'return x.slice()';
  if (kind === 'records') {
    const element = fieldOf(array[0], 'x[i]', helpers);
    return element && `const o=[];for(let i=0;i<x.length;i++)o.push(${element});return o`;
  }
  if (array.length > MAX_IRREGULAR) return undefined;
  const elements: string[] = [];
  for (let i = 0; i < array.length; i++) {
    const element = fieldOf(array[i], `x[${i}]`, helpers);
    if (element === undefined) return undefined;
    elements.push(element);
  }
  return `return [${elements.join(',')}]`;
}

/**
 * How an array is copied: `primitives` by a slice; `records`, elements of the first one's structure (a list
 * of records), by a loop whatever the length; `mixed` element by element.
 */
function kindOf(array: unknown[]): 'primitives' | 'records' | 'mixed' {
  const first = array[0];
  if (typeof first === 'object' && first !== null) {
    for (let i = 1; i < array.length; i++) if (!sameStructure(first, array[i])) return 'mixed';
    return 'records';
  }
  for (const element of array) if (typeof element === 'object' && element !== null) return 'mixed';
  return 'primitives';
}

/** Whether the code compiled for `a` copies `b` exactly. Compares structure, not strings of code: it is the hot part. */
function sameStructure(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null) return typeof b !== 'object' || b === null;
  if (typeof b !== 'object' || b === null) return false;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) return ArrayBuffer.isView(a) && ArrayBuffer.isView(b);
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && sameArrayStructure(a, b);
  const keys = Object.keys(a);
  const others = Object.keys(b);
  if (keys.length !== others.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key !== others[i] || !sameStructure((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

function sameArrayStructure(a: unknown[], b: unknown[]): boolean {
  const kind = kindOf(a);
  if (kind === 'primitives') return kindOf(b) === 'primitives';
  if (kind === 'records') return b.every((element) => sameStructure(a[0], element));
  return a.length === b.length && a.every((element, i) => sameStructure(element, b[i]));
}

/** The expression that copies the field read by `access`. */
function fieldOf(field: unknown, access: string, helpers: Map<string, string>): string | undefined {
  if (typeof field !== 'object' || field === null) return access;
  const helper = build(field, helpers);
  return helper === undefined ? undefined : `${helper}(${access})`;
}
