/**
 * chartbot: WhatsApp Business bots where every conversation is an xstate v5 statechart.
 * This file holds the public API only.
 */
export { createBot, type Bot, type BotOptions, type JournalSettings } from './server/create-bot.ts';
export { Runtime, type RuntimeOptions, type SentReply, type ContactView } from './conversation/runtime.ts';
export { reply, type ReplyContent, type ReplyFunction } from './conversation/reply.ts';
export { defineFlow, type Flow, type FlowDefinition, type FlowInput } from './conversation/define-flow.ts';
export type { FlowMigrations, FlowSnapshot, SnapshotMigration, VersionsBelow } from './conversation/flow-snapshot.ts';
export { renameState, moveState, defaultContext, composeMigrations, type StateMove } from './conversation/migration-helpers.ts';
export { migrateConversation, type MigrationResult, type StoredConversation, type MigrateOptions } from './conversation/flow-migration.ts';
export { ConversationMigrator, type FlowMigrationCounts } from './conversation/conversation-migrator.ts';
export { planMigrations, type MigrationPlan, type MigrationRow, type PlannedOutcome } from './conversation/migration-plan.ts';
export { lintMachine, type LintMachineOptions } from './lint/lint-machine.ts';
export { lintFlowFile, lintFlowFiles, type LintedFile } from './lint/lint-files.ts';
export { LINT_RULES, type LintFinding, type StateFinding, type LintRuleId, type LintSeverity } from './lint/finding.ts';
export { createFlowRegistry, FlowConfigError, type FlowRegistry } from './conversation/flow-registry.ts';
export { loadFlows, loadFlowFile } from './conversation/load-flows.ts';
export { systemClock, type Clock } from './conversation/clock.ts';
export { runStep, type StepInput, type StepResult } from './conversation/run-step.ts';

export type * from './messages/inbound-events.ts';
export type * from './messages/outbound.ts';
export { statusAdvances, type DeliveryStatus, type StatusUpdate } from './messages/status-update.ts';
export { parseWebhook, NotAWebhookError, type ParsedWebhook, type IgnoredPart } from './messages/parse-webhook.ts';
export {
  text,
  buttons,
  list,
  flowInvitation,
  image,
  document,
  MessageLimitError,
  type ButtonSpec,
  type CommonOptions,
  type InteractiveOptions,
  type FlowInvitationSpec,
} from './messages/builders.ts';

export { ProviderError, type Provider, type SendRequest, type SendResult, type MarkReadRequest } from './providers/provider.ts';
export { cloudApiProvider, dialog360Provider, type CloudApiOptions } from './providers/cloud-api.ts';
export { consoleProvider } from './providers/console.ts';
export { createHttpClient, type HttpClient, type HttpClientOptions, type HttpRequest, type HttpResponse } from './providers/http-client.ts';
export { createThreadedHttpClient } from './providers/threaded-http-client.ts';
export { createProvider } from './providers/create-provider.ts';

export type { SessionStore } from './store/session-store.ts';
export { memoryStore } from './store/memory-store.ts';
export { lowdbStore, type LowdbStoreOptions } from './store/lowdb-store.ts';
export { contactKey, type ContactRecord, type PendingTimer, type OutboundRecord } from './store/contact-record.ts';

export { signBody, verifySignature } from './webhook/signature.ts';
export { loadConfig, ConfigError, type Config, type ProviderName } from './config.ts';
export { createLogger, silentLogger, type Logger } from './logger.ts';
export { video, audio, sticker, location, contacts, reaction, removeReaction, ctaUrl, locationRequest, type ContactCard } from './messages/builders.ts';
export { template, currency, dateTime, mediaParam, type TemplateSpec, type TemplateValue, type TemplateButtonSpec } from './messages/template-builders.ts';
export { product, productList, catalogMessage, PRODUCT_LIST_MAX_ITEMS, type ProductOptions, type ProductSectionSpec } from './messages/commerce-builders.ts';
export { orderDetails, orderStatus, type OrderDetailsSpec, type OrderLineSpec } from './messages/order-builders.ts';
export type { HeaderSpec, TextHeaderOptions } from './messages/builder-common.ts';
export { d7Provider, d7Error, D7_DEFAULT_URL, type D7Options } from './providers/d7.ts';
export { mapGatewayStatus } from './providers/gateway-status.ts';
export { parseRetryAfter } from './providers/retry-after.ts';
export { createProviderSelection, type ProviderSelection } from './providers/create-provider.ts';
export type { MediaInfo, MediaFile } from './providers/provider.ts';
export { withRetry, retryDelay, isRetryable, sleepOn, type RetryPolicy } from './delivery/retry.ts';
export { ThroughputLimiter, type ThroughputLimits } from './delivery/throughput-limiter.ts';
export { TokenBucket } from './delivery/token-bucket.ts';
export { OutboundSender, type DeliveryOptions, type OutboundSendRequest } from './delivery/outbound-sender.ts';
export { isWindowOpen, CUSTOMER_SERVICE_WINDOW_MS, WINDOW_CLOSED_CODE } from './delivery/window.ts';
export { windowIsOpen } from './delivery/window-guard.ts';
export { proactiveRouter } from './delivery/proactive-router.ts';
export type { NumberProviderConfig } from './config.ts';
export { runStepAwaitingServices, ServiceTimeoutError, DEFAULT_SERVICE_TIMEOUT_MS } from './conversation/awaited-step.ts';
export { StepBudgetError, DEFAULT_MICROSTEP_BUDGET } from './conversation/run-step.ts';
export { fileParkedStore, memoryParkedStore, type ParkedMessage, type ParkedInbound, type ParkedReply, type ParkedStore } from './isolation/parked-store.ts';
export type { RetryOutcome } from './isolation/parking.ts';
export { adminRouter, type SessionSummary } from './admin/admin-router.ts';
export { requireBearer } from './api/bearer-auth.ts';
export { authenticateWebhook, verify360dialogSignature, hasWebhookSecret, type WebhookSecrets, type WebhookAuthResult } from './webhook/webhook-auth.ts';
export { jsonTooDeep, isJsonContentType, MAX_JSON_DEPTH } from './webhook/json-limits.ts';
export { maskPhone } from './logging/mask-phones.ts';
export type { LoggerOptions } from './logger.ts';
export { InboxJournal, type InboxJournalOptions, type JournalProblemReport, type PendingBatch } from './durability/inbox-journal.ts';
export { DurableInbox, type BatchProcessor } from './durability/durable-inbox.ts';
export type { OutboxEntry } from './store/contact-record.ts';
export { checkTemplateSend, describeProblem, type TemplateProblem } from './templates/check-template-send.ts';
export { TemplateCatalog, TemplateMismatchError, type TemplateCatalogOptions } from './templates/template-catalog.ts';
export { fetchMessageTemplates, type TemplateListSource } from './templates/fetch-templates.ts';
export { parseMessageTemplate, describeParameters, placeholders, type MessageTemplate, type TemplateDefinitionComponent, type TemplateDefinitionButton } from './templates/message-template.ts';
export type { TemplateUpdate } from './messages/template-updates.ts';
export { screen, closeFlow, type FlowScreen, type FlowClose, type FlowAnswer } from './conversation/screen.ts';
export { FlowsEndpoint, type FlowsEndpointOptions } from './flows-endpoint/flows-endpoint.ts';
export { FlowTokenIssuer, FlowTokenError, flowTokenKey, flowTokenTag, DEFAULT_FLOW_TOKEN_TTL_MS, type FlowTokenClaims } from './flows-endpoint/flow-token.ts';
export { decryptFlowRequest, encryptFlowResponse, flipIv, loadFlowsPrivateKey, FlowDecryptError, type EncryptedFlowRequest, type DecryptedFlowRequest } from './flows-endpoint/flow-crypto.ts';
export { exchangeWithContact, type ExchangeOutcome } from './flows-endpoint/flow-exchange.ts';
export { FLOW_TOKEN_PLACEHOLDER } from './messages/builders.ts';
export { RuntimeEvents, type RuntimeEventMap, type StepReport } from './conversation/runtime-events.ts';
export type { Coordination, ContactWorkHandlers } from './conversation/coordination.ts';
export { LocalCoordination } from './conversation/local-coordination.ts';
export { HealthMonitor, type HealthProblem } from './server/health.ts';
export type { HttpTimeouts } from './server/bot-servers.ts';
export type { DurableInboxOptions } from './durability/durable-inbox.ts';

// Hand-over to people (docs/handover.md): a state tagged `handover` belongs to agents.
export { Handovers } from './handover/handovers.ts';
export { NotInHandoverError, type HandoverOptions, type HandoverSummary, type AgentMessageResult } from './handover/handover-types.ts';
export {
  HANDOVER_TAG,
  type HandoverInfo,
  type AgentAction,
  type HandoverNotification,
  type HandoverStartedNotification,
  type HandoverMessageNotification,
  type HandoverEndedNotification,
  type SinkState,
} from './handover/handover-record.ts';
export type { AgentSink, SinkContext } from './handover/agent-sink.ts';
export type { AgentOutboxEntry } from './handover/handover-record.ts';
export type { StepObserver } from './conversation/contact-step.ts';
export { agentWebhookSink, AGENT_SIGNATURE_HEADER, type AgentWebhookOptions } from './handover/agent-webhook.ts';
export { ChatwootApi, ChatwootError, type ChatwootOptions, type ChatwootContact, type ChatwootAttachment } from './handover/chatwoot/chatwoot-api.ts';
export { chatwootSink, CHATWOOT_SINK, type ChatwootSink, type ChatwootState } from './handover/chatwoot/chatwoot-sink.ts';
export { chatwootRouter, CHATWOOT_WEBHOOK_PATH, type ChatwootRouterOptions } from './handover/chatwoot/chatwoot-router.ts';
export { handoverRouter } from './handover/handover-router.ts';
export { describeUserEvent } from './handover/describe-user-event.ts';
export { parseOutboundMessages } from './messages/outbound-validation.ts';
export type { HandoverFlowOptions } from './conversation/define-flow.ts';
export { StaleLeaseError, LocalLeases, type Lease, type Claim } from './store/lease.ts';
export type { RedisOption } from './redis/redis-storage.ts';
export type { RedisSettings } from './redis/connect-redis.ts';
export { RedisStore, type RedisClaim, type InboxItem, type DamagedItem, type ReleaseOutcome } from './redis/redis-store.ts';
export { RedisCoordination, type RedisCoordinationOptions } from './redis/redis-coordination.ts';
export { redisParkedStore } from './redis/redis-parked-store.ts';
export { LeasedStore, type LeaseContext } from './redis/leased-store.ts';
export { BotMetrics, replyOutcome, type BotMetricsOptions, type ReplyOutcome } from './observability/bot-metrics.ts';
export type { MetricsOptions, BotObservability } from './observability/bot-observability.ts';
export { metricsRouter } from './observability/metrics-router.ts';
export { observeWebhooks } from './observability/webhook-observer.ts';
export { ContactHistory, DEFAULT_HISTORY_SIZE, type HistoryEntry, type HistoryReply, type HistoryOptions, type StepOutcome } from './observability/contact-history.ts';
export { historyRouter, historyView, type HistoryResponse, type HistoryEntryView, type HistoryReplyView, type HistoryReplyStatus } from './observability/history-router.ts';
export { hashContactKey } from './observability/tracing.ts';
export { TimingListeners, type StoreObserver } from './store/store-observer.ts';
export type { ProviderErrorReport } from './conversation/runtime-events.ts';
