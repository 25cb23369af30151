import { api } from "@backfill-io/sdk";

export const config = { auth: { bearer: true } };

export const GET = api(async () => api.json({ orders: [] }));
