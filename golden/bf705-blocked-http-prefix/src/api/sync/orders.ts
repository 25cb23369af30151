import { api, Http } from "@backfill-io/sdk";

const BASE = "https://api.acme.com";

export const GET = api(async (request) => {
  const id = request.query.id;
  const shop = request.query.shop;
  Http.get(`${BASE}/v1/orders/${id}`); // known up to /v1/orders/: allowed
  Http.get(BASE + "/v2/orders/" + id); // known up to /v2/orders/: blocked
  Http.get(`https://${shop}.acme.com/v1/orders`); // the host is dynamic: not judged
  Http.get("http://api.acme.com/v1/orders"); // not https: blocked
  return api.json({ ok: true });
});
