import { setup } from 'xstate';
import { defineFlow, reply, type ChartbotEvent } from 'chartbot';

/**
 * The studio benchmark's flow: 40 states (4 sections of 8 steps, nested in compound states, plus
 * intro, paused, closed and help) and about 100 transitions with guards and `after` delays, so that
 * the page redraws a diagram of the size the studio's target is set for.
 */
const SECTIONS = 4;
const STEPS = 8;

const isText = (text: string) => ({ event }: { event: ChartbotEvent }) => event.type === 'user.text' && event.text === text;

function section(index: number) {
  const states: Record<string, object> = {};
  for (let step = 0; step < STEPS; step++) {
    const next = step + 1 < STEPS ? `step${step + 1}` : index + 1 < SECTIONS ? `#forty.section${index + 1}` : '#forty.closed';
    states[`step${step}`] = {
      entry: reply(`Section ${index + 1}, step ${step + 1}`),
      after: { idle: '#forty.paused' },
      on: {
        'user.text': [
          { guard: isText('next'), target: next },
          ...(step > 0 ? [{ guard: isText('back'), target: `step${step - 1}` }] : []),
          { guard: isText('help'), target: '#forty.help' },
        ],
      },
    };
  }
  return { initial: 'step0', states };
}

export default defineFlow({
  name: 'forty',
  machine: setup({ types: { events: {} as ChartbotEvent }, delays: { idle: 30 * 60_000 } }).createMachine({
    id: 'forty',
    initial: 'intro',
    states: {
      intro: { on: { 'user.text': { guard: isText('next'), target: 'section0' } } },
      ...Object.fromEntries(Array.from({ length: SECTIONS }, (_, i) => [`section${i}`, section(i)])),
      paused: { entry: reply('Paused: write "next" to go on.'), on: { 'user.text': 'section0' } },
      help: { entry: reply('Help: "next" and "back" move between steps.'), on: { 'user.text': 'intro' } },
      closed: { type: 'final', entry: reply('All done.') },
    },
  }),
});
