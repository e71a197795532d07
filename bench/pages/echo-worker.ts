// Answers each get with the value it holds for the key, straight from a Map: the floor under any worker round
// trip that brings a value back.
const values = new Map<string, unknown>();
self.onmessage = ({ data }: MessageEvent<{ op: 'put' | 'get'; key: string; value?: unknown }>) => {
  if (data.op === 'put') values.set(data.key, data.value);
  else self.postMessage(values.get(data.key));
};
