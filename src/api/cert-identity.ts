// With auth enabled and no token, etcd takes the CN of the client's verified TLS certificate as
// the user. grpc-js shows the certificate to interceptors only, so this one notes the CN against
// the call's metadata object, where handlers look it up. Nothing a client sends can set it, and
// only a member with TLS on its client port installs the interceptor.
import * as grpc from '@grpc/grpc-js';

const cns = new WeakMap<grpc.Metadata, string>();

/** The CN of the verified client certificate of the call whose metadata this is. */
export function certCnOf(md: grpc.Metadata): string | undefined {
  return cns.get(md);
}

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
          const cn = certCn(call);
          if (cn !== undefined) cns.set(md, cn);
          mdNext(md);
        },
      }),
  });
