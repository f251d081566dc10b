/** One server-sent event. */
export interface SseMessage {
  event: string;
  data: string;
  id: string | undefined;
  retry: number | undefined;
}

/**
 * Incremental text/event-stream parser (WHATWG rules: CR, LF or CRLF line ends, `data` lines
 * joined with LF, comments ignored, `id` without NUL, numeric `retry`). Feed decoded text;
 * complete events come back.
 */
export function createSseParser(): { push(text: string): SseMessage[] } {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | undefined;
  let retry: number | undefined;
  let sawCR = false;
  return {
    push(text) {
      const out: SseMessage[] = [];
      if (text === '') return out;
      if (sawCR && text.startsWith('\n')) text = text.slice(1);
      sawCR = false;
      buffer += text;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer.charCodeAt(i);
        if (c !== 10 && c !== 13) continue;
        const line = buffer.slice(start, i);
        if (c === 13) {
          if (i + 1 < buffer.length) {
            if (buffer.charCodeAt(i + 1) === 10) i++;
          } else sawCR = true;
        }
        start = i + 1;
        if (line === '') {
          if (data.length > 0) out.push({ event: event || 'message', data: data.join('\n'), id, retry });
          event = '';
          data = [];
          retry = undefined;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
        else if (field === 'id' && !value.includes('\u0000')) id = value;
        else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value);
      }
      buffer = buffer.slice(start);
      // Bound memory on a hostile stream that never ends a line.
      if (buffer.length > 1 << 20) throw new RangeError('SSE line longer than 1 MiB');
      return out;
    },
  };
}
