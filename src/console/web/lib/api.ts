// Every request the console makes: /ui/api/* reads and the JSON gateway (/v3/...), with the user's token.

/** A refused or failed request, with etcd's own message when the server sent one. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: number | undefined,
  ) {
    super(message);
  }
}

interface ErrorBody {
  error?: unknown;
  message?: unknown;
  code?: unknown;
}

async function errorFrom(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as ErrorBody;
    const msg = typeof body.error === 'string' ? body.error : typeof body.message === 'string' ? body.message : text;
    return new ApiError(msg, res.status, typeof body.code === 'number' ? body.code : undefined);
  } catch {
    return new ApiError(text !== '' ? text : `HTTP ${res.status}`, res.status, undefined);
  }
}

export class Api {
  /** Called when the server says the token is missing or no longer valid. */
  onUnauthorized: () => void = () => undefined;

  constructor(private token: string | null) {}

  headers(): Record<string, string> {
    return this.token === null ? {} : { Authorization: this.token };
  }

  /** Opens a request and returns the response once its head is in (for streams); throws ApiError on a non-2xx. */
  async open(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(path, { ...init, headers: { ...this.headers(), ...(init.headers ?? {}) }, cache: 'no-store' });
    if (!res.ok) {
      const err = await errorFrom(res);
      if (res.status === 401) this.onUnauthorized();
      throw err;
    }
    return res;
  }

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    const res = await this.open(path, signal === undefined ? {} : { signal });
    return (await res.json()) as T;
  }

  /** A unary gateway call: POST a JSON body to /v3/... */
  async gateway<T>(path: string, body: unknown): Promise<T> {
    const res = await this.open(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
    return (await res.json()) as T;
  }
}

export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
