// Package auth signs users and applications in to Microsoft 365 and hands the
// resulting access tokens to an o365.Account.
//
// The OAuth work is done by MSAL Go. Each constructor returns a *Credential that
// implements o365.TokenSource, o365.TokenRefresher and o365.Authenticator:
//
//	NewAuthCode          authorization code + PKCE, console: print the URL, paste the redirect
//	NewBrowser           authorization code + PKCE, loopback redirect on 127.0.0.1, opens the browser
//	NewDeviceCode        device code: the user signs in on another device
//	NewClientSecret      client credentials with a secret (application permissions)
//	NewClientCertificate client credentials with a certificate (see ParseCertificate)
//	NewClientAssertion   client credentials with a signed assertion from a callback
//	NewUsernamePassword  resource owner password (discouraged)
//	NewOnBehalfOf        a web API exchanging the token it received for a Graph token
//
// Token acquisition is silent: the cached access token is used while it is valid
// for more than Config.RefreshMargin, then the refresh token is redeemed before
// the access token expires, so a 401 is not what triggers a refresh.
//
// Tokens live in a Store holding MSAL's token cache. FileStore keeps it in a file
// in the layout MSAL (and python-o365 2.1+) write, shared safely between
// processes; MemoryStore, EnvStore and KeyringStore are the alternatives, and
// any type with Load and Save can be used. One store may hold several signed-in
// users: Usernames lists them, Config.Username or SetUsername picks one, SignOut
// forgets one.
//
// Secrets (tokens, client secrets, passwords, assertions) never appear in logs,
// error messages or String output.
package auth
