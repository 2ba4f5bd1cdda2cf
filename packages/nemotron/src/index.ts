/**
 * Typed client for NVIDIA Nemotron models on NIM, the NVIDIA API, vLLM and Ollama.
 *
 * @packageDocumentation
 */

export {
  type CatalogEntry,
  defaultModelId,
  findModel,
  type ModelFamily,
  type ModelSelection,
  type ModelValidation,
  modelCatalog,
  selectModels,
  validateModelId,
} from './catalog/model-catalog.js';
export {
  type DetectedServer,
  type DetectionOptions,
  detectLocalServer,
  detectLocalServers,
  profileForDetectedServer,
} from './detect/detect-local-server.js';
export {
  type EndpointProfile,
  isLoopbackHost,
  nimProfile,
  nvidiaApiProfile,
  ollamaProfile,
  openAiCompatibleProfile,
  type ServerFlavour,
  vllmProfile,
} from './endpoint-profile.js';
export {
  isNemotronError,
  NemotronError,
  type NemotronErrorCode,
  type NemotronErrorDetails,
} from './errors.js';
export {
  backoffDelay,
  defaultRetryPolicy,
  isRetryableStatus,
  type ParseResult,
  parseRetryAfter,
  type RetryPolicy,
} from './http/retry-policy.js';
export { defaultTimeouts, type Timeouts } from './http/transport.js';
export {
  type CallOptions,
  type HealthStatus,
  NemotronClient,
  type NemotronClientOptions,
  type StructuredResult,
} from './nemotron-client.js';
export { extractServerMessage } from './protocol/server-message.js';
export { planReasoning, type ReasoningPlan } from './reasoning/reasoning-switch.js';
export { type SplitText, splitThinkContent, ThinkSplitter } from './reasoning/think-splitter.js';
export { ChatStream } from './stream/chat-stream.js';
export { SseDecoder, type SseEvent } from './stream/sse-decoder.js';
export {
  parseToolArguments,
  type ToolArgumentsResult,
  ToolCallAssembler,
} from './stream/tool-call-assembler.js';
export type {
  ChatMessage,
  ChatRequest,
  ChatResult,
  ChatRole,
  ChatStreamEvent,
  EmbeddingRequest,
  EmbeddingResult,
  FinishReason,
  ReasoningControl,
  ResponseFormat,
  ServerModel,
  ToolCall,
  ToolChoice,
  ToolDefinition,
  Usage,
} from './types.js';
