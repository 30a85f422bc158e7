package outlook

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
)

// Formats of Outlook item ids (Graph's exchangeIdFormat), for
// TranslateExchangeIDs.
const (
	// IDFormatREST is the id Graph serves by default; it changes when the
	// item moves to another folder.
	IDFormatREST = "restId"
	// IDFormatRESTImmutable is the id Graph serves with Prefer:
	// IdType="ImmutableId"; it stays the same when the item moves.
	IDFormatRESTImmutable = "restImmutableEntryId"
	// IDFormatEWS is the id Exchange Web Services clients use.
	IDFormatEWS = "ewsId"
	// IDFormatEntryID is MAPI's binary entry id, in URL-safe base64 (see
	// Graph's documentation of translateExchangeIds for its padding rule).
	IDFormatEntryID = "entryId"
	// IDFormatImmutableEntryID is MAPI's binary immutable id, encoded as
	// IDFormatEntryID is.
	IDFormatImmutableEntryID = "immutableEntryId"
)

// IDFormats returns the id formats TranslateExchangeIDs knows.
func IDFormats() []string {
	return []string{IDFormatREST, IDFormatRESTImmutable, IDFormatEWS, IDFormatEntryID, IDFormatImmutableEntryID}
}

// MaxTranslateIDs is how many ids Graph translates in one request;
// TranslateExchangeIDs sends larger sets in several.
const MaxTranslateIDs = 1000

// ConvertIDResult is Graph's convertIdResult: one id of a
// TranslateExchangeIDs call, translated (TargetID) or not (ErrorDetails).
type ConvertIDResult struct {
	o365.Object
	SourceID     string        `json:"sourceId,omitzero" o365:"readonly"`
	TargetID     string        `json:"targetId,omitzero" o365:"readonly"`
	ErrorDetails *GenericError `json:"errorDetails,omitzero" o365:"readonly"`
}

// UnmarshalJSONFrom decodes the result and keeps its JSON (see
// o365.Object).
func (r *ConvertIDResult) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain ConvertIDResult
	return o365.DecodeObject(d, (*plain)(r))
}

// MarshalJSON encodes the result as the service sent it (see o365.Object).
func (r ConvertIDResult) MarshalJSON() ([]byte, error) {
	type plain ConvertIDResult
	return o365.MarshalObject((*plain)(&r))
}

// GenericError is Graph's genericError: why one id was not translated.
type GenericError struct {
	Code    string `json:"code,omitzero"`
	Message string `json:"message,omitzero"`
}

// translateBody is the body of translateExchangeIds.
type translateBody struct {
	InputIDs     []string `json:"inputIds"`
	TargetIDType string   `json:"targetIdType"`
	SourceIDType string   `json:"sourceIdType"`
}

// TranslateExchangeIDs translates ids of Outlook items of acct's mailbox
// (messages, events, contacts ...) from one format to another (the
// IDFormat* constants): a result per id, naming it in SourceID, with
// ErrorDetails set for an id the service could not translate. More than
// MaxTranslateIDs ids are sent in several requests. The call changes
// nothing, so it is retried like a GET.
//
// Graph: POST /me/translateExchangeIds
// (https://learn.microsoft.com/graph/api/user-translateexchangeids).
func TranslateExchangeIDs(ctx context.Context, acct *o365.Account, ids []string, from, to string) ([]*ConvertIDResult, error) {
	for _, f := range []string{from, to} {
		if !slices.Contains(IDFormats(), f) {
			return nil, fmt.Errorf("outlook: translate ids: %q is not an id format; use one of %v", f, IDFormats())
		}
	}
	if len(ids) == 0 {
		return nil, errors.New("outlook: translate ids: no ids")
	}
	out := make([]*ConvertIDResult, 0, len(ids))
	for chunk := range slices.Chunk(ids, MaxTranslateIDs) {
		var page struct {
			Value []*ConvertIDResult `json:"value"`
		}
		req := &o365.Request{Method: http.MethodPost, Path: "translateExchangeIds", Idempotent: true,
			Body: translateBody{InputIDs: chunk, TargetIDType: to, SourceIDType: from}}
		if _, err := acct.Do(ctx, req, &page); err != nil {
			return nil, fmt.Errorf("outlook: translate ids: %w", err)
		}
		out = append(out, page.Value...)
	}
	return out, nil
}
