// grpc-js sets the TLS ServerName to the target host even when it is an IP address (etcd
// endpoints usually are), and Node warns (DEP0123) on the first such connection: noise on
// raftkvctl's stderr and in member logs. This drops that one warning and nothing else.
const emit = process.emitWarning.bind(process);

function isIpServernameWarning(warning: string | Error, rest: unknown[]): boolean {
  const first = rest[0];
  const code = typeof first === 'object' && first !== null ? (first as { code?: unknown }).code : rest[1];
  if (code === 'DEP0123') return true;
  return typeof warning === 'string' && warning.startsWith('Setting the TLS ServerName to an IP address');
}

process.emitWarning = ((warning: string | Error, ...rest: unknown[]): void => {
  if (isIpServernameWarning(warning, rest)) return;
  (emit as (w: string | Error, ...r: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
