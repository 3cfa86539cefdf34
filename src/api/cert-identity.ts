// With auth enabled and no token, etcd takes the CN of the client's verified TLS certificate as
// the user. grpc-js shows the certificate to interceptors only, so this one copies the CN into
// the call's metadata under a key of ours, after removing whatever a client sent under it.
import * as grpc from '@grpc/grpc-js';

export const CERT_CN_KEY = 'x-raftkv-cert-cn';

/** Client certificates reach us only verified (the TLS terminator refuses the rest). */
function certCn(call: grpc.ServerInterceptingCallInterface): string | undefined {
  const cn = call.getAuthContext().sslPeerCertificate?.subject?.CN;
  return typeof cn === 'string' && cn !== '' ? cn : undefined;
}

export const certIdentity: grpc.ServerInterceptor = (_method, call) =>
  new grpc.ServerInterceptingCall(call, {
    start: (next) =>
      next({
        onReceiveMetadata: (md, mdNext) => {
          md.remove(CERT_CN_KEY);
          const cn = certCn(call);
          if (cn !== undefined) md.set(CERT_CN_KEY, cn);
          mdNext(md);
        },
      }),
  });
