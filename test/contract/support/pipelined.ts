import { connect } from 'node:net';

export interface PipelinedResponse {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/**
 * Sends several JSON POSTs pipelined on one connection in a single write, so a server that
 * parses them in one turn of its loop sees them all at once. The socket stays open for writing
 * (a half-close may end a server's reading early); the last request asks the server to close.
 */
export async function pipelinedPosts(
  port: number,
  path: string,
  bodies: readonly unknown[],
): Promise<PipelinedResponse[]> {
  const payload = bodies
    .map((body, index) => {
      const json = JSON.stringify(body);
      const connection = index === bodies.length - 1 ? 'close' : 'keep-alive';
      return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: ${connection}\r\n\r\n${json}`;
    })
    .join('');
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(payload));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
    socket.setTimeout(20_000, () => socket.destroy(new Error('pipelined requests timed out')));
  });
  return parseResponses(raw);
}

function parseResponses(raw: string): PipelinedResponse[] {
  const responses: PipelinedResponse[] = [];
  let rest = raw;
  while (rest.length > 0) {
    const headerEnd = rest.indexOf('\r\n\r\n');
    if (headerEnd < 0) break;
    const [statusLine = '', ...headerLines] = rest.slice(0, headerEnd).split('\r\n');
    const headers = Object.fromEntries(
      headerLines.map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
      }),
    );
    const length = Number(headers['content-length'] ?? 0);
    const bodyStart = headerEnd + 4;
    const body = rest.slice(bodyStart, bodyStart + length);
    responses.push({
      status: Number(statusLine.split(' ')[1]),
      headers,
      body: JSON.parse(body || '{}') as Record<string, unknown>,
    });
    rest = rest.slice(bodyStart + length);
  }
  return responses;
}
