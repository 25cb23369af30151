/**
 * The Backfill SDK (`@backfill-io/sdk`) as far as the platform's reference pages document it,
 * and nothing more: the tests type-check every TypeScript file backfill-codegen emits (route
 * stubs included) against this, so generated code can only use what the spec promises.
 *
 * Sources (in the shared spec folder):
 * - connection-setup.md, "testConnection": `api(async (request) => ...)`, `request.body`,
 *   `api.json(body)`, `api.badRequest(message, details)`, and `OAuth.accessToken()`.
 * - outbound-http.md, "Signatures": `RequestOpts`, `HttpResponse`, `Http.get / post / put /
 *   patch / delete`; "Making a request": `Secrets.get(name)!` and `Log.error(message, fields)`.
 * - DESIGN.md, "Input: the manifest": `export default defineConfig({...})`.
 *
 * Where a page shows a call but not its types, the comment says what is assumed; the
 * assumption is the loosest type the page's examples allow.
 */
declare module "@backfill-io/sdk" {
  // --- outbound-http.md, "Signatures" (verbatim). -------------------------------------------

  export interface RequestOpts {
    headers?: Record<string, string>;
    body?: any;
    auth?: {
      bearer?: string;
      basic?: { user: string; pass: string };
      oauth?: boolean | { minTtlSeconds?: number };
    };
    timeout?: number;
  }

  export interface HttpResponse {
    status: number;
    headers: Record<string, string>;
    /** Parsed JSON if the response is JSON; raw string otherwise. */
    body: any;
    /** True if 2xx. */
    ok: boolean;
  }

  /**
   * `Http.get(url, opts?)`, `Http.post(url, body?, opts?)`, ... The page's examples use the
   * result directly (`const res = Http.get(...); if (!res.ok) ...`): it is an HttpResponse.
   * A request to a host that is not on `permissions.http` throws.
   */
  export interface HttpClient {
    get(url: string, opts?: RequestOpts): HttpResponse;
    post(url: string, body?: any, opts?: RequestOpts): HttpResponse;
    put(url: string, body?: any, opts?: RequestOpts): HttpResponse;
    patch(url: string, body?: any, opts?: RequestOpts): HttpResponse;
    delete(url: string, opts?: RequestOpts): HttpResponse;
  }
  export const Http: HttpClient;

  // --- connection-setup.md, "testConnection": API routes. -----------------------------------

  /**
   * What a route handler receives. The page reads only `request.body` (the JSON the caller
   * sent, untyped: `request.body.api_key`); type it with the generated settings.ts/routes.ts.
   */
  export interface ApiRequest {
    body: any;
  }

  /** What a handler answers: made by `api.json` or `api.badRequest` (opaque: undocumented). */
  export class ApiResponse {
    private constructor();
    private readonly brand: never;
  }

  /** A route's handler, as `export const POST = api(...)` exports it (opaque: undocumented). */
  export class RouteHandler {
    private constructor();
    private readonly brand: never;
  }

  export interface Api {
    /** `export const POST = api(async (request) => { ... })`. */
    (handler: (request: ApiRequest) => ApiResponse | Promise<ApiResponse>): RouteHandler;
    /**
     * A JSON answer: `api.json({ ok: true, account: ... })`. The page never passes a second
     * argument; `init` (status and headers) is assumed, and generated code does not use it.
     */
    json(body: unknown, init?: { status?: number; headers?: Record<string, string> }): ApiResponse;
    /** An explicit error: `api.badRequest("Invalid Stripe API key", { status: res.status })`. */
    badRequest(message: string, details?: Record<string, unknown>): ApiResponse;
  }
  export const api: Api;

  /**
   * connection-setup.md: an OAuth connector's routes "call `OAuth.accessToken()`". The page
   * does not say whether it returns the token or a promise of it, so code must `await` it.
   */
  export const OAuth: {
    accessToken(): string | Promise<string>;
  };

  // --- outbound-http.md, "Making a request". ------------------------------------------------

  /** `Secrets.get("stripe_api_key")!`: the page asserts non-null, so the result may be absent. */
  export const Secrets: {
    get(name: string): string | undefined;
  };

  /**
   * `Log.error("Stripe call failed", { status: res.status, body: res.body })`; the other
   * levels (the issue's `Log.*`) are assumed to take the same arguments.
   */
  export const Log: {
    debug(message: string, fields?: Record<string, unknown>): void;
    info(message: string, fields?: Record<string, unknown>): void;
    warn(message: string, fields?: Record<string, unknown>): void;
    error(message: string, fields?: Record<string, unknown>): void;
  };

  // --- DESIGN.md, "Input: the manifest". ------------------------------------------------------

  /** `export default defineConfig({...})`: returns the manifest object as given. */
  export function defineConfig<const T extends object>(config: T): T;
}
