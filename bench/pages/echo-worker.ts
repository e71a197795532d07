// Answers every message with the same data: the floor under any worker round trip.
self.onmessage = (event: MessageEvent) => self.postMessage(event.data);
