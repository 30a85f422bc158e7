// Package sandbox is a local, stateful Microsoft Graph: an emulator for
// Microsoft 365 with its own identity platform, backed by SQLite.
//
// It serves Graph's /v1.0 and /beta (camelCase JSON) and Outlook REST's
// /api/v2.0 (PascalCase JSON, Microsoft.OutlookServices type names) over one
// store, so data written through one dialect reads back through the other.
// The identity endpoints under /{tenant}/ (OpenID configuration, authorize,
// token, devicecode, keys) issue signed tokens that every data call checks,
// scopes and application roles included.
//
// Beyond storage it behaves like the service: OData queries ($filter,
// $select, $orderby, $expand, $search, $count, $top, $skip) with paging by
// @odata.nextLink, delta queries with @removed items, JSON $batch with
// dependsOn, change-notification subscriptions with the validation
// handshake, the directory's query rules (ConsistencyLevel: eventual), and
// the Prefer headers outlook.timezone, outlook.body-content-type and
// odata.maxpagesize. Errors always have Graph's shape:
//
//	{"error":{"code":"...","message":"...","innerError":{"date":"...","request-id":"...","client-request-id":"..."}}}
//
// Faults can be injected to test clients under load: a spec such as
// "429=5%,503=1%,reset=1%,latency=20ms..200ms,seed=42" (Options.Faults or
// Server.SetFaults) draws them from a seeded generator, and the request
// header X-Sandbox-Fault (429, 503, reset, latency=100ms,
// 429;retry-after=2) forces one.
//
// Options.Seed "demo" loads a fixed demo tenant (contoso.onmicrosoft.com):
// the users, groups and registered apps named by the Demo* constants. Tests
// usually start it with o365test.NewSandbox; `o365 sandbox serve` runs it
// as a standalone server.
package sandbox
