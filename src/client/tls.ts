// Client-side TLS, as etcdctl's --cacert, --cert, --key and --insecure-skip-tls-verify set it up.
import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import '../tls/ip-servername-warning.js';

export interface ClientTls {
  /** PEM file of the CA that signed the server's certificate (default: the system's roots). */
  caFile?: string;
  /** PEM files of this client's certificate and key, for servers that ask for one. */
  certFile?: string;
  keyFile?: string;
  /** Accept any server certificate (etcdctl --insecure-skip-tls-verify). */
  insecureSkipVerify?: boolean;
}

/** True when the options ask for TLS, as etcdctl takes any of its TLS flags to mean. */
export function wantsTls(t: ClientTls | undefined): boolean {
  return t !== undefined && (t.caFile !== undefined || t.certFile !== undefined || t.keyFile !== undefined || t.insecureSkipVerify === true);
}

export function isHttpsEndpoint(endpoint: string): boolean {
  return /^https:\/\//i.test(endpoint.trim());
}

/** Credentials for one endpoint: TLS on an https:// endpoint or when TLS flags are given. */
export function channelCredentials(endpoint: string, t: ClientTls | undefined): grpc.ChannelCredentials {
  if (!isHttpsEndpoint(endpoint) && !wantsTls(t)) return grpc.credentials.createInsecure();
  if ((t?.certFile === undefined) !== (t?.keyFile === undefined)) throw new Error('both --cert and --key are needed for a client certificate');
  const read = (f: string | undefined): Buffer | null => (f === undefined ? null : readFileSync(f));
  return grpc.credentials.createSsl(read(t?.caFile), read(t?.keyFile), read(t?.certFile), {
    rejectUnauthorized: t?.insecureSkipVerify !== true,
  });
}
