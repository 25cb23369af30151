// The spec pages' own examples, type-checked against index.d.ts by tests/emit/test_emit_typescript.py:
// the declaration must accept everything the pages show (connection-setup.md "testConnection",
// outbound-http.md "Making a request" and "Authentication", DESIGN.md's defineConfig).
import { api, defineConfig, Http, Log, OAuth, Secrets } from "@backfill-io/sdk";

export const config = { auth: "api_key" };

// connection-setup.md, "testConnection".
export const POST = api(async (request) => {
  const apiKey = request.body.api_key;
  const res = Http.get("https://api.stripe.com/v1/balance", {
    auth: { bearer: apiKey },
  });
  if (!res.ok) {
    return api.badRequest("Invalid Stripe API key", { status: res.status });
  }
  return api.json({ ok: true, account: res.body.account_id });
});

// outbound-http.md, "Making a request".
export function customers(): unknown {
  const res = Http.get("https://api.stripe.com/v1/customers", {
    auth: { bearer: Secrets.get("stripe_api_key")! },
    timeout: 10_000,
  });

  if (!res.ok) {
    Log.error("Stripe call failed", { status: res.status, body: res.body });
    throw new Error("Stripe call failed");
  }

  return res.body.data;
}

// outbound-http.md, "Authentication" and "Bodies".
export function authentication(url: string, body: object, token: string, myKey: string): void {
  Http.get(url, { auth: { bearer: "sk_live_..." } });
  Http.get(url, { auth: { basic: { user: "key", pass: "secret" } } });
  Http.get(url, { auth: { oauth: true } });
  Http.get(url, { auth: { oauth: { minTtlSeconds: 300 } } });
  Http.post(url, body, {
    headers: {
      Authorization: "Bearer " + token,
      "X-Idempotency-Key": myKey,
    },
  });
  Http.put(url, "sent as-is", { headers: { "Content-Type": "text/plain" } });
  Http.patch(url, body);
  Http.delete(url);
}

// connection-setup.md: OAuth routes call OAuth.accessToken().
export async function accessToken(): Promise<string> {
  return await OAuth.accessToken();
}

// DESIGN.md, "Input: the manifest".
export default defineConfig({
  name: "stripe",
  permissions: { http: ["https://api.stripe.com/*"] },
} as const);
