package core

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// translateExchangeIds converts Outlook item ids of a mailbox between the
// formats Exchange knows (exchangeIdFormat), for every area's items: it is
// served by the core. The formats, for the layouts of outlookids.go:
//
//	restId               the REST id (URL-safe base64): what Graph answers by default; names the folder
//	ewsId                the same bytes in standard base64, as EWS writes ids
//	entryId              the MAPI entry id: the REST id's last 70 bytes
//	restImmutableEntryId the immutable id (URL-safe base64): what Prefer: IdType="ImmutableId" answers
//	immutableEntryId     the immutable entry id: its last 46 bytes
//
// The binary forms (entryId, immutableEntryId) are written as Graph
// documents: URL-safe base64 without padding, then the count of padding
// characters removed (0, 1 or 2).
//
// A REST-type id names a folder, so ids are converted to it from where the
// item is now; converting a stale REST id (from before a move) fails for
// that id, as in Exchange.

// exchangeIDFormats are exchangeIdFormat's members.
var exchangeIDFormats = []string{"entryId", "ewsId", "immutableEntryId", "restId", "restImmutableEntryId"}

// maxTranslateIDs is how many ids one request may convert.
const maxTranslateIDs = 1000

var translateAction = Action{Name: "translateExchangeIds", Params: []ActionParam{
	{Name: "InputIds", Type: "Collection(Edm.String)"},
	{Name: "TargetIdType", Type: "microsoft.graph.exchangeIdFormat", Enum: true},
	{Name: "SourceIdType", Type: "microsoft.graph.exchangeIdFormat", Enum: true},
}}

// translateIDs answers POST {user}/translateExchangeIds.
func translateIDs(ctx context.Context, c *Call) error {
	args, err := c.DecodeAction(translateAction)
	if err != nil {
		return err
	}
	source, okSource := Canonical(exchangeIDFormats, args.String("SourceIdType"))
	target, okTarget := Canonical(exchangeIDFormats, args.String("TargetIdType"))
	if !okSource || !okTarget {
		return Errorf(http.StatusBadRequest, "RequestBodyRead",
			"SourceIdType and TargetIdType must each be one of %s.", strings.Join(exchangeIDFormats, ", "))
	}
	ids := args.Strings("InputIds")
	if len(ids) == 0 || len(ids) > maxTranslateIDs {
		return Errorf(http.StatusBadRequest, "ErrorInvalidParameter", "InputIds needs 1 to %d ids.", maxTranslateIDs)
	}
	owner := c.User.ID
	out := make([]any, 0, len(ids))
	err = c.s.st.Read(ctx, func(tx *Tx) error {
		for _, id := range ids {
			res := map[string]any{"sourceId": id}
			targetID, terr := c.s.translateID(ctx, tx, owner, id, source, target)
			if terr != nil {
				var ae *Error
				if !errors.As(terr, &ae) {
					return terr
				}
				res["errorDetails"] = map[string]any{"code": ae.Code, "message": ae.Message}
			} else {
				res["targetId"] = targetID
			}
			out = append(out, res)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.WriteJSON(http.StatusOK, map[string]any{
		"@odata.context": c.RootURL() + "$metadata#Collection(microsoft.graph.convertIdResult)",
		"value":          out,
	})
}

// translateID converts one id of owner's mailbox from source to target
// format; an *Error describes an id that cannot be converted.
func (s *Engine) translateID(ctx context.Context, tx *Tx, owner, id, source, target string) (string, error) {
	malformed := Errorf(http.StatusBadRequest, "ErrorInvalidIdMalformed", "Id is malformed.")
	var raw []byte
	var ok bool
	if source == "entryId" || source == "immutableEntryId" {
		raw, ok = decodeURLToken(id)
	} else {
		raw, ok = decodeID(id)
	}
	if !ok {
		return "", malformed
	}
	// Every format leads to the immutable id bytes, and the folder when
	// the id names one.
	var imm []byte
	var folder string
	switch source {
	case "restId", "ewsId":
		if imm, folder, ok = parseItemRest(owner, raw); !ok {
			return "", malformed
		}
	case "entryId":
		if len(raw) != 70 {
			return "", malformed
		}
		b := append(restHeader(nil, owner), 0x46, 0x00)
		if imm, folder, ok = parseItemRest(owner, append(b, raw...)); !ok {
			return "", malformed
		}
	case "restImmutableEntryId":
		imm = raw
	case "immutableEntryId":
		imm = append(append([]byte(nil), immutablePrefix...), raw...)
	}
	db, _, ok := parseImmutable(imm)
	if _, want := mailboxKeys(owner); !ok || db != want {
		return "", malformed
	}
	itemID := idEncoding.EncodeToString(imm)
	where, err := s.itemParent(ctx, tx, owner, itemID)
	if err != nil {
		return "", err
	}
	if where == "" || (folder != "" && folder != where) {
		return "", Errorf(http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store.")
	}
	switch target {
	case "restImmutableEntryId":
		return itemID, nil
	case "immutableEntryId":
		return encodeURLToken(imm[len(immutablePrefix):]), nil
	}
	rest, ok := restItemFor(where, imm)
	if !ok {
		return "", malformed
	}
	switch target {
	case "restId":
		return idEncoding.EncodeToString(rest), nil
	case "ewsId":
		return base64.StdEncoding.EncodeToString(rest), nil
	default: // entryId
		return encodeURLToken(rest[len(rest)-70:]), nil
	}
}

// encodeURLToken writes binary ids as Graph documents for translateExchangeIds:
// URL-safe base64 without padding, then how many padding characters that
// removed.
func encodeURLToken(b []byte) string {
	s := base64.URLEncoding.EncodeToString(b)
	trimmed := strings.TrimRight(s, "=")
	return trimmed + strconv.Itoa(len(s)-len(trimmed))
}

// decodeURLToken reads encodeURLToken's form.
func decodeURLToken(s string) ([]byte, bool) {
	if s == "" || s[len(s)-1] < '0' || s[len(s)-1] > '2' {
		return nil, false
	}
	pad := int(s[len(s)-1] - '0')
	b, err := base64.URLEncoding.DecodeString(s[:len(s)-1] + strings.Repeat("=", pad))
	return b, err == nil
}

// itemParent is the folder an Outlook item of owner's mailbox is in,
// whichever area's item collection (Area.ItemCollections) holds it; ""
// when none does.
func (s *Engine) itemParent(ctx context.Context, tx *Tx, owner, itemID string) (string, error) {
	for _, a := range s.areas {
		for _, coll := range a.ItemCollections {
			o, err := tx.Get(ctx, coll, owner, itemID)
			if IsNotFound(err) {
				continue
			}
			if err != nil {
				return "", err
			}
			return o.Parent, nil
		}
	}
	return "", nil
}
