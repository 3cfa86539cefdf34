// Server-Sent Events parsing over a fetch() body (EventSource cannot send the Authorization header).
import { readLines } from './lines';

export interface SseMessage {
  event: string;
  data: string;
}

export async function readSse(body: ReadableStream<Uint8Array>, onMessage: (m: SseMessage) => void): Promise<void> {
  let event = 'message';
  let data: string[] = [];
  await readLines(body, (line) => {
    if (line === '') {
      if (data.length > 0) onMessage({ event, data: data.join('\n') });
      event = 'message';
      data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  });
}
