import { connect } from 'node:net';

/** One command in RESP, the protocol Redis speaks. */
function encode(args: string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
}

/**
 * Sends one command to the Redis on 127.0.0.1:port and resolves with the first line of its
 * reply: `+PONG` for a ready PING, `-LOADING ...` while it replays its append-only file,
 * `$3` for a bulk string (the value is on the next line). Enough for readiness checks and tests.
 */
export function redisCommand(port: number, args: string[], timeoutMs = 1000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.write(encode(args)));
    let reply = '';
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`no reply to ${args[0]} in ${timeoutMs} ms`)),
    );
    socket.on('data', (chunk: string) => {
      reply += chunk;
      const lines = reply.split('\r\n');
      const first = lines[0] ?? '';
      const wanted = first.startsWith('$') && first !== '$-1' ? 2 : 1;
      if (lines.length > wanted) {
        socket.end();
        resolve(lines.slice(0, wanted));
      }
    });
    socket.once('error', reject);
  });
}

export async function redisPing(port: number, timeoutMs = 1000): Promise<string> {
  const [reply] = await redisCommand(port, ['PING'], timeoutMs);
  return reply ?? '';
}
