/**
 * chartbot/testing: conversation tests over the production runtime, with a fake clock, transcript
 * tests, coverage of the conversation graph, and flow graphs.
 */
export { createTestBot, TestBot, TEST_BUSINESS_NUMBER, TEST_DELIVERY, type TestBotOptions, type FlowSource } from './test-bot.ts';
export { TestContact } from './test-contact.ts';
export { TestAgent } from './test-agent.ts';
export type { Offer } from './offer.ts';
export { ConversationAssertionError } from './conversation-log.ts';
export { FlowStepError, type FlowErrorMode } from './flow-failures.ts';
export type { BotMessage, ReplyExpectation } from './bot-message.ts';
export { CoverageRecorder, formatCoverage, type CoverageReport } from './coverage.ts';
export { FakeClock } from './fake-clock.ts';
export { recordingProvider, type RecordingProvider, type RecordedSend } from './recording-provider.ts';
export { parseDuration, formatDuration, type Duration } from './duration.ts';
export { renderMessage, choicesOf, type Choice, type RenderOptions } from './render-message.ts';
export { describeFlow, toMermaid, toDot, type FlowGraph, type StateInfo, type TransitionInfo, type GraphOptions } from './flow-graph.ts';
export type { OrderLine, LocationShare, MediaShare, MediaKindSent, ContactCard as SharedContactCard } from './simulated-messages.ts';
export { chartbotMatchers, type ChartbotMatchers, type MatcherResult } from './matchers.ts';
export { parseTranscript, TranscriptSyntaxError, type Transcript, type TranscriptStep } from './transcript-format.ts';
export { runTranscript, expectTranscript, conversationDiff, TranscriptMismatchError, type TranscriptOptions, type TranscriptResult } from './transcript-runner.ts';
export { performAction, ACTION_USAGE, TRANSCRIPT_PHRASES, type ActionVerb } from './user-actions.ts';
