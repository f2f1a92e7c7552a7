import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  body: string;
  signature: string | undefined;
  contentType: string | undefined;
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 that records each call and answers with the status `answer` picks (or never, for null). */
export async function startReceiver(answer: (call: number) => number | null = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const signature = request.headers['x-leaf-signature'];
      received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: Array.isArray(signature) ? signature[0] : signature, contentType: request.headers['content-type'], at: Date.now() });
      const status = answer(received.length);
      if (status !== null) response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : `failure ${received.length}`);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** The receiver's side of Leaf's signature, with node:crypto only. */
export function verify(secret: string, call: Received): boolean {
  return call.signature === createHmac('sha256', secret).update(call.body, 'utf8').digest('base64');
}
