import { api } from "@backfill-io/sdk";

export const config = { auth: process.env.ORDERS_AUTH ?? "api_key" };

export const GET = api(async () => api.json({ orders: [] }));
