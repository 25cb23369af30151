import { api, Http, OAuth } from "@backfill-io/sdk";

export const GET = api(async () => {
  const token = await OAuth.accessToken();
  const res = Http.get("https://api.acme.com/v1/orders", { auth: { oauth: true } });
  return api.json({ orders: res.body, scopes: token.length });
});
