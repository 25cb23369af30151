import { api, Http } from "@backfill-io/sdk";

const ORDERS = "https://api.acme.com/v1/orders";

export const GET = api(async () => {
  const res = Http.get(ORDERS + "?limit=50");
  return api.json({ orders: res.body });
});
