package identity

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/uuid"
)

// consumersTenantID is the tenant of personal Microsoft accounts.
const consumersTenantID = "9188040d-6c67-4c5b-b112-36a304b66dad"

// oauthError is a token-endpoint error in the identity platform's shape.
type oauthError struct {
	status   int
	code     string // error
	aadsts   int    // the AADSTS number
	message  string
	suberror string
	cause    error // an internal failure, logged, never sent
}

func (e *oauthError) Error() string {
	return fmt.Sprintf("%s: AADSTS%d: %s", e.code, e.aadsts, e.message)
}

func badRequest(code string, aadsts int, format string, args ...any) *oauthError {
	return &oauthError{status: http.StatusBadRequest, code: code, aadsts: aadsts, message: fmt.Sprintf(format, args...)}
}

func invalidClient(aadsts int, format string, args ...any) *oauthError {
	return &oauthError{status: http.StatusUnauthorized, code: "invalid_client", aadsts: aadsts, message: fmt.Sprintf(format, args...)}
}

// serverError hides an internal failure from the client; writeError logs it.
func serverError(err error) *oauthError {
	return &oauthError{status: http.StatusInternalServerError, code: "server_error", aadsts: 90033,
		message: "The sandbox's identity service failed; see the sandbox log.", cause: err}
}

func missingParam(name string) *oauthError {
	return badRequest("invalid_request", 900144, "The request body must contain the following parameter: '%s'.", name)
}

// errorBody is the JSON the identity platform answers errors with.
type errorBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorCodes       []int  `json:"error_codes"`
	Timestamp        string `json:"timestamp"`
	TraceID          string `json:"trace_id"`
	CorrelationID    string `json:"correlation_id"`
	SubError         string `json:"suberror,omitempty"`
}

const aadTimestamp = "2006-01-02 15:04:05Z"

func (p *Provider) writeError(w http.ResponseWriter, req *request, e *oauthError) {
	if e.cause != nil {
		p.log.Error("identity: internal error", "trace_id", req.traceID, "err", e.cause)
	}
	ts := p.now().UTC().Format(aadTimestamp)
	body := errorBody{
		Error: e.code,
		ErrorDescription: fmt.Sprintf("AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s",
			e.aadsts, e.message, req.traceID, req.correlationID, ts),
		ErrorCodes:    []int{e.aadsts},
		Timestamp:     ts,
		TraceID:       req.traceID,
		CorrelationID: req.correlationID,
		SubError:      e.suberror,
	}
	writeJSON(w, e.status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store, no-cache")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	// The values written are built here and always encode.
	_ = json.NewEncoder(w).Encode(v)
}

// newRequest reads what every identity request shares.
func (p *Provider) newRequest(w http.ResponseWriter, r *http.Request) *request {
	req := &request{
		tenant:        r.PathValue("tenant"),
		base:          p.baseURL(r),
		traceID:       uuid.NewString(),
		correlationID: r.Header.Get("client-request-id"),
	}
	if _, err := uuid.Parse(req.correlationID); err != nil {
		req.correlationID = uuid.NewString()
	}
	w.Header().Set("x-ms-request-id", req.traceID)
	w.Header().Set("client-request-id", req.correlationID)
	return req
}

func (p *Provider) baseURL(r *http.Request) string {
	if p.cfg.BaseURL != nil {
		return strings.TrimSuffix(p.cfg.BaseURL(r), "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// resolveTenant maps the tenant path segment to the tenant it names.
func (p *Provider) resolveTenant(seg string) (tenantKind, *oauthError) {
	switch {
	case strings.EqualFold(seg, p.cfg.TenantID):
		return tenantOwn, nil
	case p.cfg.TenantDomain != "" && strings.EqualFold(seg, p.cfg.TenantDomain):
		return tenantOwn, nil
	case strings.EqualFold(seg, "common"):
		return tenantCommon, nil
	case strings.EqualFold(seg, "organizations"):
		return tenantOrganizations, nil
	case strings.EqualFold(seg, "consumers"), strings.EqualFold(seg, consumersTenantID):
		return 0, badRequest("invalid_request", 9002331,
			"The sandbox has no personal Microsoft accounts, so tenant '%s' is not available. Use the tenant id '%s', its domain, 'organizations' or 'common'.",
			seg, p.cfg.TenantID)
	default:
		return 0, badRequest("invalid_tenant", 90002,
			"Tenant '%s' not found. The sandbox serves tenant '%s' (%s); use its id, its domain, 'organizations' or 'common'.",
			seg, p.cfg.TenantID, p.cfg.TenantDomain)
	}
}

// withTenant resolves the tenant segment and answers an identity error for a
// tenant this sandbox does not serve.
func (p *Provider) withTenant(h func(http.ResponseWriter, *http.Request, *request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		req := p.newRequest(w, r)
		kind, oerr := p.resolveTenant(req.tenant)
		if oerr != nil {
			p.writeError(w, req, oerr)
			return
		}
		req.kind = kind
		h(w, r, req)
	}
}

// issuer is the v2 issuer of every token and of the discovery document. It
// names the tenant id whatever alias the request used, as Entra does.
func (p *Provider) issuer(base string) string {
	return base + "/" + p.cfg.TenantID + "/v2.0"
}
