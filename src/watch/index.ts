export type { HistoryQuery, HistorySource } from './history-source.js';
export type { WatchFilter } from './event-filter.js';
export { WatchHub, type WatchHubOptions, type HubWatcher, type WatchSink, type WatcherSpec } from './watch-hub.js';
export {
  WatchStream,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_PROGRESS_INTERVAL_MS,
  type WatchStreamOptions,
} from './watch-stream.js';
export {
  AUTO_WATCH_ID,
  CANCEL_REASON,
  INVALID_WATCH_ID,
  type WatchCreateError,
  type WatchCreateRequest,
  type WatchResponse,
} from './watch-types.js';
