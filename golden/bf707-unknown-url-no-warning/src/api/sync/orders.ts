import { api, Http } from "@backfill-io/sdk";

export const GET = api(async (request) => {
  const res = Http.get("https://api.acme.com/v1/orders");
  // Built at run time: it might be the legacy host, so no entry is reported unused.
  const next = Http.get(request.query.next);
  return api.json({ orders: res.body, next: next.body });
});
