import { api } from "@backfill-io/sdk";

export const config = { auth: "api_key" };

export const POTS = api(async () => api.json({ ok: true }));
