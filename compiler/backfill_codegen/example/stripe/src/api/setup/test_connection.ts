import { api, Http } from "@backfill-io/sdk";

export const config = { auth: "api_key" };

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
