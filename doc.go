// Package o365 is the engine of o365 for Go: the Account every service
// package takes, the one request path they are all built on, and the shared
// vocabulary (models, queries, errors) they speak.
//
// # Accounts
//
// An Account ties a Protocol (Microsoft Graph v1.0 by default; beta, the
// national clouds, Office 365 REST v2.0, Business Central or one of your
// own), a Resource (whose data: "me", "user:alice@contoso.com",
// "group:ID", "sharepoint:HOST:/sites/team") and a TokenSource (an auth
// credential) together:
//
//	acct, err := o365.New(o365.WithTokenSource(cred))
//	shared := acct.With(o365.WithResource("shared@contoso.com"))
//
// Service packages take an account: mail.New(acct). Options given to New and
// With are the only functional options of the library; per-call settings are
// a *Query, a *Request or a nil-able *XOptions struct.
//
// # The request path
//
// Every call goes through Account.Do: the URL from protocol, resource and
// path (ids escaped with Path), the query, headers (Prefer values merged, a
// client-request-id, ConsistencyLevel when the query needs it), a JSON body
// in the protocol's key case, the token, retries of throttled and failed
// requests (RetryPolicy; NotProcessed tells what a failure proves), and an
// *Error for every non-2xx answer (errors.Is(err, o365.ErrNotFound) ...).
// On it are built:
//
//   - Get and List: one entity, or a lazy iterator over a collection that
//     follows @odata.nextLink;
//   - Delta: change tracking rounds that resume from a stored link;
//   - Batch: JSON batching, 20 requests per envelope;
//   - Upload, UploadFrom, Download: resumable upload sessions and streaming
//     downloads in constant memory;
//   - Once: exactly-once actions whose answers may be lost.
//
// A program reaches an endpoint no package wraps the way the packages do:
//
//	for u, err := range o365.List[o365.User](ctx, acct, &o365.Request{Path: "/users",
//		Query: o365.NewQuery().Filter(o365.StartsWith("displayName", "A"))}) { ... }
//
// # Models
//
// Models are plain structs that embed Object, which binds them to an
// account and a path and keeps the JSON the service sent. Encoding a model
// gives that JSON back with the program's changes merged in, so nothing the
// service sent is lost (false, 0, nulls and properties the model does not
// declare included); Save sends only what changed; read-only properties
// are tagged `o365:"readonly"` and never sent. See Object for how to write
// one. The models several packages share live here: User, Group,
// DirectoryObject, EmailAddress, Recipient, ItemBody, DateTimeTimeZone,
// IdentitySet, Location, PatternedRecurrence, TimeSlot.
//
// JSON goes through one library, github.com/go-json-experiment/json (the
// encoding/json/v2 of Go 1.27), with the settings of EncodeJSON and
// DecodeJSON.
package o365
