// The shape of a generated method descriptor (src/gen/*.ts `...Service.X`),
// as far as a client needs it. Req is the request's Init type (what encodes),
// Res the decoded response.

export interface MethodDescriptor<Req, Res> {
  readonly path: string;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
  requestSerialize(v: Req): Buffer;
  responseDeserialize(b: Buffer): Res;
}

export interface UnaryMethod<Req, Res> extends MethodDescriptor<Req, Res> {
  readonly requestStream: false;
  readonly responseStream: false;
}

export interface ServerStreamMethod<Req, Res> extends MethodDescriptor<Req, Res> {
  readonly requestStream: false;
  readonly responseStream: true;
}

export interface BidiMethod<Req, Res> extends MethodDescriptor<Req, Res> {
  readonly requestStream: true;
  readonly responseStream: true;
}
