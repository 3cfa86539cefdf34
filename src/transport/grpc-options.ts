// gRPC settings of the peer port. Keepalive is what detects a dead peer: a SIGSTOP'd or killed
// process stops answering HTTP/2 pings, and the call fails within keepalive time + timeout.
import type * as grpc from '@grpc/grpc-js';

/** Headroom over Raft's own limits (MaxSizePerMsg, max request bytes); batches are cut near 1 MiB. */
export const MAX_GRPC_MESSAGE_BYTES = 64 * 1024 * 1024;

const COMMON: grpc.ChannelOptions = {
  'grpc.max_send_message_length': MAX_GRPC_MESSAGE_BYTES,
  'grpc.max_receive_message_length': MAX_GRPC_MESSAGE_BYTES,
  'grpc.keepalive_permit_without_calls': 1,
  // Every stream and snapshot channel gets its own connection: no sharing between peers (or
  // between transports in one test process), and a snapshot never queues behind heartbeats.
  'grpc.use_local_subchannel_pool': 1,
  // Retries would copy every written message into a retry buffer; Raft retransmits anyway.
  'grpc.enable_retries': 0,
  'grpc.initial_reconnect_backoff_ms': 50,
  // channelz (call and message counters, timestamps per message) has no reader in raftkv.
  'grpc.enable_channelz': 0,
  'grpc.max_reconnect_backoff_ms': 2000,
};

/** The long-lived message stream: a dead peer is noticed in ~2.5 s. */
export const STREAM_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  ...COMMON,
  'grpc.keepalive_time_ms': 1000,
  'grpc.keepalive_timeout_ms': 1500,
};

/**
 * Snapshot calls wait for the receiver to apply the snapshot, which may keep its event loop busy
 * for a while; a tight ping timeout would fail transfers to a live but busy peer forever.
 */
export const SNAPSHOT_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  ...COMMON,
  'grpc.keepalive_time_ms': 5000,
  'grpc.keepalive_timeout_ms': 10_000,
};

export const SERVER_OPTIONS: grpc.ServerOptions = {
  'grpc.max_send_message_length': MAX_GRPC_MESSAGE_BYTES,
  'grpc.max_receive_message_length': MAX_GRPC_MESSAGE_BYTES,
  // The server pings too, so a dead sender's half of the stream is torn down.
  'grpc.keepalive_time_ms': 2000,
  'grpc.keepalive_timeout_ms': 2000,
  'grpc.keepalive_permit_without_calls': 1,
  // Accept the clients' 1 s pings (servers that police pings answer GOAWAY "too_many_pings").
  'grpc.http2.min_ping_interval_without_data_ms': 500,
  'grpc.http2.max_pings_without_data': 0,
  // channelz stays on for servers: grpc-js 1.14 finds the sessions forceShutdown() must close
  // only through channelz's bookkeeping.
};

/** How long a sender waits for the receiver's response headers before calling it unreachable. */
export const HANDSHAKE_TIMEOUT_MS = 5000;
