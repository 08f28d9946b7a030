import { describe, expect, it } from 'vitest';
import { OutboundSender } from '../../src/delivery/outbound-sender.ts';
import { ThroughputLimiter } from '../../src/delivery/throughput-limiter.ts';
import { text } from '../../src/messages/builders.ts';
import type { Provider, SendRequest } from '../../src/providers/provider.ts';
import { FakeClock } from '../../src/testing/fake-clock.ts';
import { driveClock } from '../helpers/drive-clock.ts';

/** A provider that records the (fake) time each send reached it. */
function timingProvider(clock: FakeClock): Provider & { calls: Array<{ at: number; to: string; number: string }> } {
  const calls: Array<{ at: number; to: string; number: string }> = [];
  let n = 0;
  return {
    name: 'timing',
    calls,
    async send(request: SendRequest) {
      calls.push({ at: clock.now(), to: request.to, number: request.businessNumberId });
      return { messageId: `m${++n}` };
    },
    async markRead() {},
  };
}

describe('ThroughputLimiter', () => {
  it('lets a burst of perNumberMps through at once, then spaces sends at exactly 1/mps', () => {
    const clock = new FakeClock();
    const limiter = new ThroughputLimiter(clock, { perNumberMps: 5, recipientBurst: 100 });
    const waits = Array.from({ length: 8 }, (_, i) => limiter.reserve('N1', `user${i}`));
    expect(waits).toEqual([0, 0, 0, 0, 0, 200, 400, 600]);
  });

  it('keeps business numbers independent', () => {
    const clock = new FakeClock();
    const limiter = new ThroughputLimiter(clock, { perNumberMps: 1 });
    expect(limiter.reserve('N1', 'a')).toBe(0);
    expect(limiter.reserve('N1', 'b')).toBe(1000);
    expect(limiter.reserve('N2', 'a')).toBe(0);
  });

  it('paces one recipient after its burst (pair rate limit) without slowing others', () => {
    const clock = new FakeClock();
    const limiter = new ThroughputLimiter(clock, { perNumberMps: 80, recipientBurst: 2, recipientIntervalMs: 6000 });
    expect([limiter.reserve('N1', 'ada'), limiter.reserve('N1', 'ada'), limiter.reserve('N1', 'ada'), limiter.reserve('N1', 'ada')]).toEqual([
      0, 0, 6000, 12000,
    ]);
    expect(limiter.reserve('N1', 'bob')).toBe(0);
  });

  it('refills with time: after a quiet second the full burst is available again', async () => {
    const clock = new FakeClock();
    const limiter = new ThroughputLimiter(clock, { perNumberMps: 3 });
    for (let i = 0; i < 3; i++) limiter.reserve('N1', `u${i}`);
    expect(limiter.reserve('N1', 'u3')).toBeGreaterThan(0);
    await clock.advance('2s');
    expect([limiter.reserve('N1', 'a'), limiter.reserve('N1', 'b'), limiter.reserve('N1', 'c')]).toEqual([0, 0, 0]);
  });

  it('acquire resolves only when the clock reaches the slot', async () => {
    const clock = new FakeClock();
    const limiter = new ThroughputLimiter(clock, { perNumberMps: 1 });
    await limiter.acquire('N1', 'a');
    let released = false;
    void limiter.acquire('N1', 'b').then(() => (released = true));
    await clock.advance(999);
    expect(released).toBe(false);
    await clock.advance(1);
    expect(released).toBe(true);
  });
});

describe('OutboundSender with the limiter', () => {
  it('a broadcast of 12 from one number at 4 mps goes out over 2 s, in request order', async () => {
    const clock = new FakeClock();
    const provider = timingProvider(clock);
    const sender = new OutboundSender(() => provider, clock, { limits: { perNumberMps: 4 } });
    const start = clock.now();
    const sends = Array.from({ length: 12 }, (_, i) =>
      sender.send({ businessNumberId: 'N1', to: `user${i}`, message: text(`hi ${i}`), lastInboundAt: start }),
    );
    await driveClock(clock, Promise.all(sends));
    expect(provider.calls.map((c) => c.to)).toEqual(Array.from({ length: 12 }, (_, i) => `user${i}`));
    expect(provider.calls.map((c) => c.at - start)).toEqual([0, 0, 0, 0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000]);
  });

  it('two numbers each get their own rate', async () => {
    const clock = new FakeClock();
    const provider = timingProvider(clock);
    const sender = new OutboundSender(() => provider, clock, { limits: { perNumberMps: 2 } });
    const start = clock.now();
    const sends = ['N1', 'N2', 'N1', 'N2', 'N1', 'N2'].map((number, i) =>
      sender.send({ businessNumberId: number, to: `user${i}`, message: text('hi'), lastInboundAt: start }),
    );
    await driveClock(clock, Promise.all(sends));
    const offsets = (number: string) => provider.calls.filter((c) => c.number === number).map((c) => c.at - start);
    expect(offsets('N1')).toEqual([0, 0, 500]);
    expect(offsets('N2')).toEqual([0, 0, 500]);
  });
});
