/**
 * A stream of `count` ranks in [0, n) drawn from Zipf(s) by inverting its cumulative distribution (a
 * binary search over a precomputed table), from the uniform generator `random`.
 */
export function zipfStream(n: number, s: number, count: number, random: () => number): Int32Array {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cumulative[i] = total += 1 / (i + 1) ** s;
  const stream = new Int32Array(count);
  for (let j = 0; j < count; j++) {
    const u = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    stream[j] = lo;
  }
  return stream;
}
