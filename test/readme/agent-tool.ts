import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { HandoverNotification } from 'chartbot';

/** Checks `X-Chartbot-Signature` over the raw body bytes, in constant time. */
export function verifyChartbotSignature(rawBody: Buffer, header: string | undefined, secret: string): boolean {
  const expected = Buffer.from('sha256=' + createHmac('sha256', secret).update(rawBody).digest('hex'));
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A minimal agent tool: checks the signature, drops repeats (delivery is at least once), answers 200 once kept. */
export function agentTool(secret: string, keep: (notification: HandoverNotification) => void): Server {
  const seen = new Set<string>();
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (!verifyChartbotSignature(raw, req.headers['x-chartbot-signature'] as string | undefined, secret)) {
        res.writeHead(401).end();
        return;
      }
      const notification = JSON.parse(raw.toString('utf8')) as HandoverNotification;
      if (!seen.has(notification.id)) {
        seen.add(notification.id);
        keep(notification); // handover.started | handover.message | handover.ended
      }
      res.writeHead(200).end(); // anything else (or no answer) and chartbot tries again later
    });
  });
}
